package dev.flotilla.registry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ports a test etcd gets: distinct, free, and clear of the ports the kernel hands out by itself. */
class EtcdPortsTest {
    @Test
    void freePortsAreDistinctBindableAndBelowTheEphemeralRange() throws IOException {
        int ephemeralLow = EtcdProcess.ephemeralLow();
        assertTrue(ephemeralLow >= 1024 && ephemeralLow <= 65535, "ephemeral ports start at " + ephemeralLow);
        for (int round = 0; round < 20; round++) {
            int[] ports = EtcdProcess.freePorts(3);
            assertEquals(3, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
            for (int port : ports) {
                if (ephemeralLow > 21000) {
                    assertTrue(port >= 20000 && port < ephemeralLow, port + " is outside 20000.." + ephemeralLow);
                }
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    assertEquals(port, s.getLocalPort());
                }
            }
        }
    }
}
