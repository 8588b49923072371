package dev.flotilla.flotctl;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code flotctl ui}'s refusals, before anything listens (serving is ClusterPageBrowserTest's and UiProxyTest's, in flotd). */
class UiCommandTest {
    private record Result(int exit, String out, String err) {
    }

    private static Result flotctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = FlotctlMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        for (String port : new String[]{"70000", "-1"}) {
            Result r = flotctl("ui", "--port", port);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("--port must be from 1 to 65535"), r.err());
            assertFalse(r.out().contains("http://"), r.out());
        }
        Result word = flotctl("ui", "--port", "eighty");
        assertEquals(2, word.exit(), word.err());
        assertTrue(word.err().contains("--port"), word.err());
    }

    @Test
    void aPortInUseFailsAndSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = flotctl("ui", "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aBadEndpointIsAUsageError() {
        Result r = flotctl("--endpoint", "ftp://x", "ui", "--port", "0");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--endpoint"), r.err());
    }

    @Test
    void onlyTheEventStreamAndFollowedJournalsAreForwardedAsStreams() {
        assertTrue(UiProxy.streams("/flotilla/v1/events?since=0"));
        assertTrue(UiProxy.streams("/flotilla/v1/units/a.service/journal?lines=5&follow=true"));
        assertFalse(UiProxy.streams("/flotilla/v1/units/a.service/journal?lines=5"));
        assertFalse(UiProxy.streams("/fleet/v1/machines"));
    }
}
