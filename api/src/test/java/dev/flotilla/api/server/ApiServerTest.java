package dev.flotilla.api.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiServerTest {
    @TempDir
    Path dir;

    private final dev.flotilla.registry.Registry registry = dev.flotilla.registry.Registry.inMemory();

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
}
