package dev.flotilla.api.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiServerTest {
    @TempDir
    Path dir;

    private final dev.flotilla.registry.Registry registry = dev.flotilla.registry.InMemoryRegistry.standalone();

    @org.junit.jupiter.api.AfterEach
    void closeRegistry() {
        registry.close();
    }

    private static ApiServer.Health healthy() {
        return new ApiServer.Health(true, "m", "ok");
    }

    @Test
    void anInheritedSocketThatIsNotThereIsAClearError() {
        // The test JVM's fd 0 is no listening socket.
        var config = new ApiServer.Config(Optional.of(dir.resolve("api.sock")), Optional.empty(), Optional.empty(), true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ApiServer.start(config, registry, ApiServerTest::healthy));
        assertTrue(e.getMessage().contains("inherited on fd 0"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("api.sock")), "nothing bound instead");
    }

    @Test
    void runningUntilClosedAndTheOwnSocketIsRemoved() {
        Path socket = dir.resolve("api.sock");
        ApiServer api = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(), Optional.empty()),
                registry, ApiServerTest::healthy);
        assertTrue(api.isRunning());
        assertTrue(Files.exists(socket));
        api.close();
        assertFalse(api.isRunning());
        assertFalse(Files.exists(socket));
    }

    /** A mistyped api_socket naming a file of value (a config, a database) must never be deleted. */
    @Test
    void aSocketPathThatIsARegularFileOrAFolderIsRefusedAndLeftAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.conf"), "keep me\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiServer.start(
                new ApiServer.Config(Optional.of(file), Optional.empty(), Optional.empty()), registry, ApiServerTest::healthy));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a socket"), e.getMessage());
        assertTrue(e.getMessage().contains("regular file"), e.getMessage());
        assertEquals("keep me\n", Files.readString(file));

        Path folder = Files.createDirectory(dir.resolve("folder"));
        e = assertThrows(IllegalStateException.class, () -> ApiServer.start(
                new ApiServer.Config(Optional.of(folder), Optional.empty(), Optional.empty()), registry, ApiServerTest::healthy));
        assertTrue(e.getMessage().contains("folder") && e.getMessage().contains("not a socket"), e.getMessage());
        assertTrue(Files.isDirectory(folder));

        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), file);
        e = assertThrows(IllegalStateException.class, () -> ApiServer.start(
                new ApiServer.Config(Optional.of(link), Optional.empty(), Optional.empty()), registry, ApiServerTest::healthy));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep me\n", Files.readString(file));
    }

    /** The socket a previous daemon left behind (killed, so never removed) is replaced, as before. */
    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path socket = dir.resolve("api.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a bound unix socket leaves its file");
        assertTrue(UnixSocketPath.problem(socket).isEmpty());
        ApiServer api = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(), Optional.empty()),
                registry, ApiServerTest::healthy);
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertTrue(client.isConnected());
        } finally {
            api.close();
        }
    }
}
