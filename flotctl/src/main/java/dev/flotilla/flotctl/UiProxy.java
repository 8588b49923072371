package dev.flotilla.flotctl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flotilla.api.ApiException;
import dev.flotilla.api.ApiForwarder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code flotctl ui}'s listener: on 127.0.0.1 only, it forwards the browser's GET requests to
 * the cluster with the user's own endpoint and credentials, so the page needs no token of its
 * own and nothing new is reachable from the network. It forwards reads only (any other method is
 * 405): a page on another site could make the browser send a form here, and with the user's
 * credentials that must never change the cluster. A Host header other than this listener's own
 * address is refused (403), so a foreign site cannot read through it by pointing its own name at
 * 127.0.0.1. Streaming answers (the event stream) are passed on as their bytes arrive.
 */
public final class UiProxy implements AutoCloseable {
    /** Longer than the daemon's 15 s heartbeat of the event stream. */
    static final Duration STREAM_IDLE = Duration.ofSeconds(60);
    /** The page's own policy (as the daemon sends it with the page): applied to everything passed on. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ApiForwarder cluster;
    private final HttpServer server;
    private final ExecutorService threads;

    private UiProxy(ApiForwarder cluster, HttpServer server, ExecutorService threads) {
        this.cluster = cluster;
        this.server = server;
        this.threads = threads;
    }

    /** Listens on 127.0.0.1:port (0 = any free port). @throws IOException when it cannot listen there */
    public static UiProxy start(ApiForwarder cluster, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        // A thread per request: an event stream holds one for as long as the page is open.
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "flotctl-ui");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        UiProxy proxy = new UiProxy(cluster, server, threads);
        server.createContext("/", proxy::handle);
        server.start();
        return proxy;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String pageUrl() {
        return "http://127.0.0.1:" + port() + "/ui/";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                refuse(ex, 405, "flotctl ui forwards reads only (GET), not " + ex.getRequestMethod());
                return;
            }
            if (!ownHost(ex.getRequestHeaders().getFirst("Host"))) {
                refuse(ex, 403, "flotctl ui answers requests for 127.0.0.1:" + port() + " or localhost:" + port() + " only");
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            if (path.equals("/")) {
                ex.getResponseHeaders().set("Location", "/ui/");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            String query = ex.getRequestURI().getRawQuery();
            forward(ex, query == null ? path : path + "?" + query);
        }
    }

    private boolean ownHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        return h.equals("127.0.0.1:" + port()) || h.equals("localhost:" + port());
    }

    /** Whether the daemon keeps this answer open (the event stream, a followed journal). */
    static boolean streams(String pathAndQuery) {
        return pathAndQuery.startsWith("/flotilla/v1/events")
                || (pathAndQuery.contains("/journal?") && pathAndQuery.contains("follow=true"));
    }

    private void forward(HttpExchange ex, String pathAndQuery) throws IOException {
        ApiForwarder.Answer answer;
        try {
            answer = streams(pathAndQuery) ? cluster.stream(pathAndQuery, STREAM_IDLE) : cluster.get(pathAndQuery);
        } catch (ApiException e) {
            refuse(ex, 502, e.getMessage());
            return;
        }
        try (answer) {
            if (!answer.contentType().isEmpty()) {
                ex.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            securityHeaders(ex);
            boolean noBody = answer.status() == 204 || answer.status() == 304;
            ex.sendResponseHeaders(answer.status(), noBody ? -1 : 0);
            if (noBody) {
                return;
            }
            copy(answer.body(), ex.getResponseBody());
        } catch (IOException e) {
            // the browser or the daemon went away: nothing left to answer
        }
    }

    /** Passes each read on at once: a line of the event stream must not wait for the next. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[16 << 10];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            out.write(buf, 0, n);
            out.flush();
        }
        out.close();
    }

    private static void securityHeaders(HttpExchange ex) {
        ex.getResponseHeaders().set("Content-Security-Policy", POLICY);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
    }

    private static void refuse(HttpExchange ex, int status, String message) throws IOException {
        byte[] body = ("{\"error\":{\"code\":" + status + ",\"message\":" + jsonString(message) + "}}")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        securityHeaders(ex);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
