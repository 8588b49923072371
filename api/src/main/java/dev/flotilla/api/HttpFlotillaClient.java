package dev.flotilla.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.registry.DesiredState;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client over Jetty's HttpClient (TCP or unix socket). */
final class HttpFlotillaClient implements FlotillaClient {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** A listing of 10,000 units is a few MB; allow clusters far larger than that. */
    private static final int MAX_ANSWER_BYTES = 512 << 20;

    private final Endpoint endpoint;
    private final Duration timeout;
    private final HttpClient http;

    HttpFlotillaClient(Endpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = new HttpClient();
        http.setUserAgentField(null);
        try {
            http.start();
        } catch (Exception e) {
            throw new ApiException("cannot start the HTTP client: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Machine> machines() {
        List<Machine> all = new ArrayList<>();
        String token = "";
        do {
            MachinePage page = get("/fleet/v1/machines" + tokenQuery("?", token), MachinePage.class);
            all.addAll(page.machines());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    @Override
    public EngineStatus engine() {
        return get("/flotilla/v1/engine", EngineStatus.class);
    }

    // ---- fleet v1 ----

    @Override
    public List<Unit> units() {
        List<Unit> all = new ArrayList<>();
        String token = "";
        do {
            UnitPage page = get("/fleet/v1/units" + tokenQuery("?", token), UnitPage.class);
            all.addAll(page.units());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    @Override
    public Optional<Unit> unit(String name) {
        return getIfExists("/fleet/v1/units/" + segment(name), Unit.class);
    }

    @Override
    public boolean putUnit(Unit unit) {
        ContentResponse r = send(json(http.newRequest(uri("/fleet/v1/units/" + segment(unit.name()))).method("PUT"), unit));
        return r.getStatus() == 201;
    }

    @Override
    public boolean deleteUnit(String name) {
        try {
            send(http.newRequest(uri("/flotilla/v1/units/" + segment(name))).method("DELETE"));
            return true;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<UnitState> unitStates(String machineId, String unitName) {
        List<UnitState> all = new ArrayList<>();
        StringBuilder filter = new StringBuilder();
        if (machineId != null && !machineId.isEmpty()) {
            filter.append("&machineID=").append(URLEncoder.encode(machineId, StandardCharsets.UTF_8));
        }
        if (unitName != null && !unitName.isEmpty()) {
            filter.append("&unitName=").append(URLEncoder.encode(unitName, StandardCharsets.UTF_8));
        }
        String token = "";
        do {
            String query = filter + tokenQuery("&", token);
            UnitStatePage page = get("/fleet/v1/state" + (query.isEmpty() ? "" : "?" + query.substring(1)), UnitStatePage.class);
            all.addAll(page.states());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    // ---- Flotilla v1 ----

    @Override
    public UnitListing listing() {
        return get("/flotilla/v1/units", UnitListing.class);
    }

    @Override
    public UnitListing listing(Collection<String> unitNames) {
        if (unitNames.isEmpty()) {
            return listing();
        }
        StringBuilder query = new StringBuilder();
        for (String name : unitNames) {
            query.append(query.length() == 0 ? "?" : "&").append("unit=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        return get("/flotilla/v1/units" + query, UnitListing.class);
    }

    @Override
    public Optional<UnitDetail> unitDetail(String name) {
        return getIfExists("/flotilla/v1/units/" + segment(name), UnitDetail.class);
    }

    @Override
    public UnitChange submit(String name, String text, DesiredState desired, boolean replace) {
        return put(name, new UnitRequest(text, desired == null ? null : desired.fleetName(), replace ? Boolean.TRUE : null));
    }

    @Override
    public UnitChange setDesiredState(String name, DesiredState desired) {
        return put(name, new UnitRequest(null, desired.fleetName(), null));
    }

    private UnitChange put(String name, UnitRequest body) {
        ContentResponse r = send(json(http.newRequest(uri("/flotilla/v1/units/" + segment(name))).method("PUT"), body));
        return decode(r, UnitChange.class);
    }

    // ---- plumbing ----

    private static String tokenQuery(String separator, String token) {
        return token.isEmpty() ? "" : separator + "nextPageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /**
     * A unit name as one path segment: everything but letters, digits and {@code -._~@:} is
     * percent-encoded, and so is a segment of dots only, so that no client or proxy resolves it
     * as {@code .} or {@code ..}; the server checks the decoded name.
     */
    static String segment(String name) {
        boolean dotsOnly = !name.isEmpty() && name.chars().allMatch(c -> c == '.');
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '~' || c == '@' || c == ':' || (c == '.' && !dotsOnly);
            if (plain) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private String uri(String path) {
        return endpoint.baseUri() + path;
    }

    private static Request json(Request request, Object body) {
        try {
            return request.body(new BytesRequestContent("application/json", JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new ApiException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    private <T> T get(String path, Class<T> type) {
        return decode(send(http.newRequest(uri(path)).method("GET")), type);
    }

    private <T> Optional<T> getIfExists(String path, Class<T> type) {
        try {
            return Optional.of(get(path, type));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private ContentResponse send(Request request) {
        endpoint.unixSocket().ifPresent(socket -> request.transport(new Transport.TCPUnix(socket)));
        request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_ANSWER_BYTES).send()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (response.getStatus() >= 400) {
                throw new ApiException(response.getStatus(), errorMessage(response));
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", e);
        } catch (TimeoutException e) {
            throw noAnswer(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof TimeoutException) {
                throw noAnswer(cause);
            }
            throw new ApiException("cannot reach flotd at " + endpoint + ": " + describe(cause), cause);
        }
    }

    private ApiException noAnswer(Throwable cause) {
        return new ApiException("no answer from " + endpoint + " within " + timeout.toMillis() + " ms", cause);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    private static String errorMessage(ContentResponse response) {
        try {
            ApiError error = JSON.readValue(response.getContent(), ApiError.class);
            if (error != null && error.error() != null && error.error().message() != null) {
                return error.error().message();
            }
        } catch (IOException e) {
            // not a fleet error body: fall through to the raw text
        }
        String body = response.getContentAsString();
        return "HTTP " + response.getStatus() + (body == null || body.isBlank() ? "" : ": " + body.strip());
    }

    private static <T> T decode(ContentResponse response, Class<T> type) {
        try {
            return JSON.readValue(response.getContent(), type);
        } catch (IOException e) {
            throw new ApiException(response.getStatus(), "unreadable answer from flotd: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // closing a client: nothing useful to do
        }
    }
}
