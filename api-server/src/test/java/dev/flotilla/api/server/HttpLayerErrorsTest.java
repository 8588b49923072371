package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Jetty refuses before the API's handler sees a request (oversized headers, a bad
 * Content-Length, an oversized request line) answers fleet's JSON error body too, whatever the
 * method (Jetty's own error handler leaves the body empty for all but GET, POST and HEAD), on TCP
 * and on the unix socket, with raw bytes on real sockets.
 */
@Tag("etcd")
class HttpLayerErrorsTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    static List<Arguments> refusals() {
        List<Arguments> out = new ArrayList<>();
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            for (boolean unix : List.of(false, true)) {
                String path = method.equals("PATCH") ? "/fleet/v1/machines" : "/flotilla/v1/units/web.service";
                String start = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
                out.add(Arguments.of(method, unix, "headers over the limit", 431,
                        start + "X-Big: " + "a".repeat(20_000) + "\r\nContent-Length: 0\r\n\r\n"));
                out.add(Arguments.of(method, unix, "a Content-Length that is no number", 400,
                        start + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}"));
                out.add(Arguments.of(method, unix, "two different Content-Lengths", 400,
                        start + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"));
                out.add(Arguments.of(method, unix, "a request line over the limit", 414,
                        method + " /flotilla/v1/units/" + "a".repeat(20_000) + ".service HTTP/1.1\r\nHost: localhost\r\n"
                                + "Connection: close\r\nContent-Length: 0\r\n\r\n"));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {2} (unix={1})")
    @MethodSource("refusals")
    void everyRefusalOfEveryMethodCarriesTheJsonErrorBody(String method, boolean unix, String what, int code,
                                                          String request) throws Exception {
        ApiCluster.Raw r = api.rawRequest(request.getBytes(StandardCharsets.ISO_8859_1), unix);
        assertEquals(code, r.status(), what + ": " + r.body());
        assertTrue(r.headers().getOrDefault("Content-Type", "").startsWith("application/json"), what + ": " + r.headers());
        JsonValue body = Json.parse(r.body());
        assertEquals(code, body.path("error").path("code").asInt(), what + ": " + r.body());
        assertFalse(body.path("error").path("message").asText().isBlank(), what + ": " + r.body());
        assertTrue(api.registry.units().value().isEmpty(), "nothing written");
    }

    /** HEAD stays without a body, as HTTP wants. */
    @org.junit.jupiter.api.Test
    void aRefusedHeadHasNoBody() throws Exception {
        ApiCluster.Raw r = api.rawRequest(("HEAD /flotilla/v1/units HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), false);
        assertEquals(431, r.status());
        assertEquals("", r.body());
    }
}
