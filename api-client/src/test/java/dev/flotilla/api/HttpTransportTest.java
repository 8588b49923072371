package dev.flotilla.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's own HTTP/1.1 exchange against canned answers on a real loopback socket. */
class HttpTransportTest {
    @TempDir
    Path dir;
    private ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        for (Socket s : held) {
            s.close();
        }
    }

    /** Answers every connection with the given bytes; the client waits long enough for a loaded machine. */
    private FlotillaClient serve(String answer) throws IOException {
        return serve(answer, Duration.ofSeconds(20));
    }

    /** Answers every connection with the given bytes (null: accept and never answer). */
    private FlotillaClient serve(String answer, Duration timeout) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    held.add(s);
                    requests.add(readRequest(s.getInputStream()));
                    if (answer != null) {
                        OutputStream out = s.getOutputStream();
                        out.write(answer.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        s.close();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "canned-http");
        t.setDaemon(true);
        t.start();
        return FlotillaClient.connect(Endpoint.parse("http://127.0.0.1:" + server.getLocalPort()), timeout);
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
            matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aChunkedAnswerIsReadWhole() throws Exception {
        String body = "{\"leader\":\"" + "a".repeat(32) + "\"}";
        String chunked = Integer.toHexString(10) + "\r\n" + body.substring(0, 10) + "\r\n"
                + Integer.toHexString(body.length() - 10) + ";ext=1\r\n" + body.substring(10) + "\r\n0\r\nTrailer: x\r\n\r\n";
        try (FlotillaClient c = serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)) {
            assertEquals("a".repeat(32), c.engine().leader());
        }
        assertTrue(requests.get(0).startsWith("GET /flotilla/v1/engine HTTP/1.1\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("Connection: close\r\n"), requests.get(0));
    }

    @Test
    void anAnswerUntilTheConnectionClosesIsReadWhole() throws Exception {
        try (FlotillaClient c = serve("HTTP/1.1 200 OK\r\n\r\n{\"leader\":\"x\"}")) {
            assertEquals("x", c.engine().leader());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (FlotillaClient c = serve(null, Duration.ofMillis(500))) {
            ApiException e = assertThrows(ApiException.class, c::engine);
            assertEquals(0, e.status());
            assertTrue(e.getMessage().contains("no answer from http://127.0.0.1:" + server.getLocalPort() + " within 500 ms"),
                    e.getMessage());
        }
    }

    @Test
    void aBodyCutShortIsAnError() throws Exception {
        try (FlotillaClient c = serve("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"leader\":")) {
            ApiException e = assertThrows(ApiException.class, c::engine);
            assertTrue(e.getMessage().contains("unreadable answer"), e.getMessage());
        }
    }

    @Test
    void errorsWithoutFleetsBodyKeepTheStatusAndText() throws Exception {
        try (FlotillaClient c = serve("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 7\r\n\r\nupstream")) {
            ApiException e = assertThrows(ApiException.class, c::engine);
            assertEquals(502, e.status());
            assertEquals("HTTP 502: upstrea", e.getMessage());
        }
    }

    @Test
    void somethingThatIsNotHttpIsAnError() throws Exception {
        try (FlotillaClient c = serve("SSH-2.0-OpenSSH\r\n")) {
            ApiException e = assertThrows(ApiException.class, c::engine);
            assertTrue(e.getMessage().contains("not an HTTP answer"), e.getMessage());
        }
    }

    @Test
    void aMissingUnixSocketCannotBeReached() {
        try (FlotillaClient c = FlotillaClient.connect(Endpoint.parse("unix://" + dir.resolve("none.sock")), Duration.ofSeconds(1))) {
            ApiException e = assertThrows(ApiException.class, c::engine);
            assertEquals(0, e.status());
            assertTrue(e.getMessage().startsWith("cannot reach flotd at unix://" + dir.resolve("none.sock")), e.getMessage());
        }
    }

    @Test
    void unitNamesAreOnePathSegment() {
        assertEquals("web@.service", HttpFlotillaClient.segment("web@.service"));
        assertEquals("..%2Fx.service", HttpFlotillaClient.segment("../x.service"));
        assertEquals("%2E%2E", HttpFlotillaClient.segment(".."));
        assertEquals("a%5Cx2d.service", HttpFlotillaClient.segment("a\\x2d.service"));
        assertEquals("caf%C3%A9.service", HttpFlotillaClient.segment("café.service"));
    }
}
