package dev.flotilla.api;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP/1.1 exchange per connection ({@code Connection: close}) over a unix socket, TCP or TLS.
 * A full HTTP client library costs a short-lived flotctl about half a second of start-up; this
 * needs none, and every call is independent, so the client is safe to share between threads.
 *
 * <p>The request timeout bounds the whole exchange: when it passes, the connection is closed
 * under the reader.
 */
final class HttpTransport {
    private final Endpoint endpoint;
    private final Duration timeout;
    private final String host;
    private final Credentials credentials;
    /** Made on the first TLS connection: a unix-socket client never reads key files. */
    private volatile SSLSocketFactory tlsFactory;

    HttpTransport(Endpoint endpoint, Duration timeout) {
        this(endpoint, timeout, Credentials.none());
    }

    HttpTransport(Endpoint endpoint, Duration timeout, Credentials credentials) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.credentials = credentials;
        String h = endpoint.baseUri().getHost();
        int port = endpoint.baseUri().getPort();
        this.host = port < 0 ? h : h + ":" + port;
    }

    /** An answer whose body is read from the open connection; close it when done. */
    static final class Answer implements Closeable {
        final int status;
        final InputStream body;
        /** The answer's Content-Type, empty when it has none. */
        final String contentType;
        /** The body's Content-Length, -1 when not given (chunked, or up to the end of the connection). */
        final long length;
        private final Closeable connection;
        private final AtomicBoolean finished;
        private final AtomicBoolean timedOut;

        Answer(int status, String contentType, long length, InputStream body, Closeable connection,
               AtomicBoolean finished, AtomicBoolean timedOut) {
            this.status = status;
            this.contentType = contentType;
            this.length = length;
            this.body = body;
            this.connection = connection;
            this.finished = finished;
            this.timedOut = timedOut;
        }

        /** Whether the request timeout closed the connection (reading then fails). */
        boolean timedOut() {
            return timedOut.get();
        }

        byte[] bytes(int max) throws IOException {
            byte[] b = body.readNBytes(max + 1);
            if (b.length > max) {
                throw new IOException("the answer is larger than " + max + " bytes");
            }
            return b;
        }

        /**
         * The whole body in one array, of its exact size when the length is given: a large answer
         * (list-units' is tens of MB) is then neither copied nor held twice while read.
         */
        byte[] all() throws IOException {
            if (length < 0 || length > Integer.MAX_VALUE - 16) {
                return body.readAllBytes();
            }
            byte[] b = new byte[(int) length];
            if (body.readNBytes(b, 0, b.length) < b.length) {
                throw new IOException("the connection closed before the end of the answer");
            }
            return b;
        }

        @Override
        public void close() {
            finished.set(true);
            try {
                connection.close();
            } catch (IOException e) {
                // the answer was read or given up: nothing to keep
            }
        }
    }

    /**
     * Sends the request and reads the status line and headers.
     *
     * @param json the request body (sent as application/json), or null
     */
    Answer send(String method, String path, byte[] json) {
        Connection c = connect();
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.runAsync(() -> {
            if (!finished.get()) {
                timedOut.set(true);
                c.closeQuietly();
            }
        }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        return exchange(c, c.in, method, path, json, finished, timedOut);
    }

    /**
     * A GET whose answer streams for as long as the server keeps it open: instead of a deadline
     * for the whole exchange, the connection is closed when nothing arrived for {@code idle}
     * (the server sends heartbeats more often than that). The request timeout still bounds the
     * wait for the answer's headers.
     */
    Answer stream(String path, Duration idle) {
        Connection c = connect();
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        IdleInput in = new IdleInput(c.in);
        long headersBy = System.nanoTime() + timeout.toNanos();
        watchIdle(c, in, finished, timedOut, idle, headersBy);
        return exchange(c, in, "GET", path, null, finished, timedOut);
    }

    private static void watchIdle(Connection c, IdleInput in, AtomicBoolean finished, AtomicBoolean timedOut,
                                  Duration idle, long headersBy) {
        long check = Math.max(50, idle.toMillis() / 4);
        CompletableFuture.runAsync(() -> {
            if (finished.get()) {
                return;
            }
            long now = System.nanoTime();
            boolean quiet = now - in.lastActivity > idle.toNanos();
            boolean noHeaders = !in.headersRead && now > headersBy;
            if (quiet || noHeaders) {
                timedOut.set(true);
                c.closeQuietly();
                return;
            }
            watchIdle(c, in, finished, timedOut, idle, headersBy);
        }, CompletableFuture.delayedExecutor(check, TimeUnit.MILLISECONDS));
    }

    /** Notes when bytes last arrived. */
    private static final class IdleInput extends InputStream {
        private final InputStream in;
        volatile long lastActivity = System.nanoTime();
        volatile boolean headersRead;

        IdleInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            lastActivity = System.nanoTime();
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            lastActivity = System.nanoTime();
            return n;
        }
    }

    private Answer exchange(Connection c, InputStream rawIn, String method, String path, byte[] json,
                            AtomicBoolean finished, AtomicBoolean timedOut) {
        try {
            StringBuilder head = new StringBuilder(160).append(method).append(' ')
                    .append(endpoint.baseUri().getRawPath()).append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                    .append("\r\nAccept: application/json\r\nConnection: close\r\n");
            if (endpoint.unixSocket().isEmpty()) {
                // The unix socket's access is its file mode; a token is for TCP only.
                credentials.token().ifPresent(t -> head.append("Authorization: Bearer ").append(t).append("\r\n"));
            }
            if (json != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(json.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = c.out;
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (json != null) {
                out.write(json);
            }
            out.flush();
            InputStream in = new BufferedInputStream(rawIn, 64 << 10);
            int status = statusLine(readLine(in));
            long length = -1;
            boolean chunked = false;
            String contentType = "";
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("content-type")) {
                    contentType = value;
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            if (rawIn instanceof IdleInput idle) {
                idle.headersRead = true;
            }
            InputStream body = chunked ? new ChunkedInput(in) : length >= 0 ? new LimitedInput(in, length) : in;
            return new Answer(status, contentType, chunked ? -1 : length, body, c::closeQuietly, finished, timedOut);
        } catch (IOException | RuntimeException e) {
            finished.set(true);
            c.closeQuietly();
            if (timedOut.get()) {
                throw noAnswer(e);
            }
            throw new ApiException("cannot talk to flotd at " + endpoint + ": " + describe(e), e);
        }
    }

    ApiException noAnswer(Throwable cause) {
        return new ApiException("no answer from " + endpoint + " within " + timeout.toMillis() + " ms", cause);
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    private record Connection(Closeable channel, InputStream in, OutputStream out) {
        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private Connection connect() {
        try {
            if (endpoint.unixSocket().isPresent()) {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(endpoint.unixSocket().get()));
                return new Connection(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
            }
            boolean tls = endpoint.baseUri().getScheme().equals("https");
            int port = endpoint.baseUri().getPort() < 0 ? (tls ? 443 : 80) : endpoint.baseUri().getPort();
            Socket s = new Socket();
            s.connect(new InetSocketAddress(endpoint.baseUri().getHost(), port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            if (tls) {
                SSLSocket ssl = (SSLSocket) tlsFactory().createSocket(s, endpoint.baseUri().getHost(), port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                s = ssl;
            }
            return new Connection(s, s.getInputStream(), s.getOutputStream());
        } catch (IOException e) {
            throw new ApiException("cannot reach flotd at " + endpoint + ": " + describe(e), e);
        }
    }

    private SSLSocketFactory tlsFactory() {
        SSLSocketFactory f = tlsFactory;
        if (f == null) {
            f = TlsContext.clientFactory(credentials);
            tlsFactory = f;
        }
        return f;
    }

    private static int statusLine(String line) throws IOException {
        // HTTP/1.1 200 OK
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + line);
        }
    }

    /** A header line without its CRLF; header lines are ISO-8859-1 and short. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed in the middle of the answer's headers");
            }
            if (c != '\r') {
                line.write(c);
            }
            if (line.size() > 64 << 10) {
                throw new IOException("an answer header line is longer than 64 KiB");
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** A body of known length. */
    private static final class LimitedInput extends InputStream {
        private final InputStream in;
        private long left;

        LimitedInput(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection closed before the end of the answer");
            }
            left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the connection closed before the end of the answer");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body (RFC 9112 section 7.1); trailers are skipped. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean end;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        private boolean next() throws IOException {
            if (end) {
                return false;
            }
            if (left == 0) {
                String size = readLine(in);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size in the answer: " + size);
                }
                if (left == 0) {
                    end = true;
                    while (!readLine(in).isEmpty()) {
                        // trailer fields
                    }
                    return false;
                }
            }
            return true;
        }

        private void chunkRead(long n) throws IOException {
            left -= n;
            if (left == 0 && !readLine(in).isEmpty()) {
                throw new IOException("a chunk of the answer does not end with CRLF");
            }
        }

        @Override
        public int read() throws IOException {
            if (!next()) {
                return -1;
            }
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection closed in the middle of a chunk");
            }
            chunkRead(1);
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the connection closed in the middle of a chunk");
            }
            chunkRead(n);
            return n;
        }
    }
}
