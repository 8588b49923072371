package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SocketActivationTest {
    @TempDir
    Path dir;

    @Test
    void socketsCountOnlyWhenPassedToThisPid() {
        assertEquals(1, SocketActivation.passedSockets(Map.of("LISTEN_PID", "77", "LISTEN_FDS", "1"), 77));
        assertEquals(2, SocketActivation.passedSockets(Map.of("LISTEN_PID", "77", "LISTEN_FDS", "2"), 77));
        assertEquals(0, SocketActivation.passedSockets(Map.of("LISTEN_PID", "78", "LISTEN_FDS", "1"), 77));
        assertEquals(0, SocketActivation.passedSockets(Map.of("LISTEN_FDS", "1"), 77));
        assertEquals(0, SocketActivation.passedSockets(Map.of("LISTEN_PID", "77", "LISTEN_FDS", "x"), 77));
        assertEquals(0, SocketActivation.passedSockets(Map.of(), 77));
    }

    @Test
    void onlyAUnixListeningSocketIsTaken() throws Exception {
        Path path = dir.resolve("api.sock");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             ServerSocketChannel tcp = ServerSocketChannel.open()) {
            unix.bind(UnixDomainSocketAddress.of(path));
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertEquals(Optional.of(path), SocketActivation.unixListeningPath(unix));
            assertEquals(Optional.empty(), SocketActivation.unixListeningPath(tcp));
            assertEquals(Optional.empty(), SocketActivation.unixListeningPath(null));
        }
    }

    @Test
    void withoutSystemdTheConfiguredSocketIsBound() throws Exception {
        FlotdConfig config = FlotdConfig.load(Optional.empty(), false,
                Map.of("api_socket", "/run/x/api.sock", "api_socket_group", "flotilla", "api_listen", "127.0.0.1:0",
                        "api_insecure_loopback", "true"));
        var api = SocketActivation.apiServerConfig(config);
        assertFalse(api.unixSocketInherited());
        assertEquals(Optional.of(Path.of("/run/x/api.sock")), api.unixSocket());
        assertEquals(Optional.of("flotilla"), api.socketGroup());
        assertEquals(0, api.tcp().orElseThrow().getPort());
    }
}
