package dev.flotilla.api.server;

import dev.flotilla.api.ApiError;
import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;
import dev.flotilla.json.JsonUnknownFieldException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.IteratingCallback;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One request and its answer: path segments, query, a bounded JSON body, JSON responses. */
final class Exchange {
    /**
     * Largest request body read by default ({@link ApiLimits#maxBodyBytes()}, 4 MiB). A unit text is
     * at most {@link UnitFile#MAX_BYTES}; JSON escaping and fleet's option objects make a body
     * larger than its text, and a POST of many units needs room for all of them.
     */
    static final int MAX_BODY_BYTES = ApiLimits.DEFAULTS.maxBodyBytes();

    final Request request;
    final Response response;
    final Callback callback;
    final String method;
    /** The path split at '/', each segment percent-decoded on its own (so %2F stays inside a name). */
    final List<String> segments;
    private byte[] body = new byte[0];

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.method = request.getMethod();
        this.segments = segments(request.getHttpURI().getPath());
    }

    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null || rawPath.isEmpty()) {
            return out;
        }
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        for (String s : path.split("/", -1)) {
            out.add(percentDecode(s));
        }
        return out;
    }

    /** RFC 3986 percent-decoding of one path segment ('+' is a plus here, not a space). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw HttpFailure.badRequest("bad percent-encoding in the path: " + s);
                }
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw HttpFailure.badRequest("the path is not valid UTF-8 once decoded: " + s);
        }
    }

    /** The first value of a query parameter, or "" when absent. */
    String query(String name) {
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        Fields.Field f = fields.get(name);
        return f == null || f.getValues().isEmpty() ? "" : f.getValue();
    }

    /** Every value of a query parameter. */
    List<String> queryAll(String name) {
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        Fields.Field f = fields.get(name);
        return f == null ? List.of() : f.getValues();
    }

    void requireMethod(String allow) {
        for (String m : allow.split(",")) {
            if (m.equals(method)) {
                return;
            }
        }
        throw HttpFailure.methodNotAllowed(method, allow);
    }

    /** fleet's rule: exactly one Content-Type, and it is application/json (parameters allowed). */
    void requireJson() {
        List<String> types = request.getHeaders().getValuesList(HttpHeader.CONTENT_TYPE);
        if (types.size() != 1) {
            throw new HttpFailure(415, "expected one Content-Type (application/json), got " + types.size());
        }
        String type = types.get(0).split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            throw new HttpFailure(415, "the only acceptable Content-Type is application/json, not " + types.get(0));
        }
    }

    /** Sets the body, read before the request was routed ({@link BodyRead}). */
    void body(byte[] bytes) {
        this.body = bytes;
    }

    /** The request body: empty unless the method carries one (PUT, POST, PATCH). */
    byte[] body() {
        return body;
    }

    <T> T jsonBody(Class<T> type, boolean strict) {
        byte[] bytes = body();
        if (bytes.length == 0) {
            throw HttpFailure.badRequest("the request body is empty; expected a JSON object");
        }
        T value;
        try {
            value = strict
                    // Our own API names a misspelled field instead of ignoring it, and refuses trailing text.
                    ? Json.read(bytes, type, Json.Unknown.REFUSE)
                    // fleet's clients may send fields we do not know: ignore them, and what follows the
                    // body's value, as fleet (Go's json.Decoder) did.
                    : Json.readFirst(bytes, type, Json.Unknown.IGNORE);
        } catch (JsonUnknownFieldException e) {
            throw HttpFailure.badRequest("unknown field '" + e.field() + "'"
                    + (e.where().isEmpty() ? "" : " at " + e.where()) + " in the request body (known: "
                    + String.join(", ", e.known()) + ")");
        } catch (JsonException e) {
            // a key given twice is refused in both families ("last wins" would let a body say two things)
            throw HttpFailure.badRequest("unable to decode the body as JSON: " + e.getMessage());
        }
        if (value == null) {
            throw HttpFailure.badRequest("the request body is null; expected a JSON object");
        }
        return value;
    }

    /**
     * Encoded whole before anything is sent (a 500 if it cannot be), then sent chunk after chunk
     * without blocking this thread, each chunk let go once written: a slow reader of a large listing
     * holds neither a thread nor more than what it has not read yet.
     */
    void json(int status, Object body) {
        List<ByteBuffer> chunks;
        try {
            chunks = Json.writeChunks(body);
        } catch (JsonException e) {
            status = 500;
            chunks = List.of(ByteBuffer.wrap("{\"error\":{\"code\":500,\"message\":\"cannot encode the answer\"}}"
                    .getBytes(StandardCharsets.UTF_8)));
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (chunks.size() == 1) {
            response.write(true, chunks.get(0), callback);
            return;
        }
        long length = 0;
        for (ByteBuffer c : chunks) {
            length += c.remaining();
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        new ChunkWriter(response, new ArrayList<>(chunks), callback).iterate();
    }

    /** Writes chunks in order, the next once the last is written; drops each once written. */
    private static final class ChunkWriter extends IteratingCallback {
        private final Response response;
        private final List<ByteBuffer> chunks;
        private final Callback done;
        private int next;

        ChunkWriter(Response response, List<ByteBuffer> chunks, Callback done) {
            this.response = response;
            this.chunks = chunks;
            this.done = done;
        }

        @Override
        protected Action process() {
            if (next == chunks.size()) {
                return Action.SUCCEEDED;
            }
            ByteBuffer chunk = chunks.set(next, null);
            next++;
            response.write(next == chunks.size(), chunk, this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            done.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            done.failed(cause);
        }
    }

    void text(int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    void noContent(int status) {
        response.setStatus(status);
        response.write(true, null, callback);
    }

    void error(int status, String message) {
        error(response, callback, status, message);
    }

    static void error(Response response, Callback callback, int status, String message) {
        error(response, callback, status, message, null);
    }

    /** @param apiUrl the daemon to ask instead, on a 421; else null */
    static void error(Response response, Callback callback, int status, String message, String apiUrl) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(errorBytes(status, message, apiUrl)), callback);
    }

    static byte[] errorBytes(int status, String message, String apiUrl) {
        try {
            return Json.write(ApiError.of(status, message, apiUrl));
        } catch (JsonException e) {
            return ("{\"error\":{\"code\":" + status + "}}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
