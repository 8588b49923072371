package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fleet_socket=: fleetctl's default socket path as a symlink to flotd's API socket. */
class FleetSocketLinkTest {
    @TempDir
    Path dir;

    @Test
    void offIsTheDefaultAndTheSettingMustBeAbsolute() throws Exception {
        assertEquals(Optional.empty(), FlotdConfig.load(Optional.empty(), false, Map.of()).fleetSocket());
        assertEquals(Optional.of(Path.of("/var/run/fleet.sock")),
                FlotdConfig.load(Optional.empty(), false, Map.of("fleet_socket", "/var/run/fleet.sock")).fleetSocket());
        ConfigException e = assertThrows(ConfigException.class,
                () -> FlotdConfig.load(Optional.empty(), false, Map.of("fleet_socket", "fleet.sock")));
        assertTrue(e.getMessage().contains("fleet_socket: 'fleet.sock' must be an absolute path"), e.getMessage());
        assertEquals(FleetSocketLink.Outcome.NOT_ASKED, FleetSocketLink.offer(Optional.empty(), Optional.of(dir.resolve("api.sock"))));
    }

    @Test
    void aClientConnectingToTheLinkReachesTheApiSocket() throws Exception {
        Path api = dir.resolve("flotd.sock");
        Path link = dir.resolve("fleet.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(api));
            assertEquals(FleetSocketLink.Outcome.LINKED, FleetSocketLink.offer(Optional.of(link), Optional.of(api)));
            assertEquals(api, Files.readSymbolicLink(link));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(link));
                 SocketChannel accepted = server.accept()) {
                assertTrue(client.isConnected());
                assertTrue(accepted.isConnected());
            }
        }
        assertEquals(FleetSocketLink.Outcome.LINKED, FleetSocketLink.offer(Optional.of(link), Optional.of(api)), "again: kept");
    }

    @Test
    void anOldLinkIsReplacedButNeverAnythingElse() throws Exception {
        Path link = dir.resolve("fleet.sock");
        Files.createSymbolicLink(link, dir.resolve("old.sock"));
        assertEquals(FleetSocketLink.Outcome.LINKED, FleetSocketLink.offer(Optional.of(link), Optional.of(dir.resolve("new.sock"))));
        assertEquals(dir.resolve("new.sock"), Files.readSymbolicLink(link));

        Path occupied = dir.resolve("real-fleet.sock");
        Files.writeString(occupied, "not ours");
        assertEquals(FleetSocketLink.Outcome.OCCUPIED, FleetSocketLink.offer(Optional.of(occupied), Optional.of(dir.resolve("new.sock"))));
        assertEquals("not ours", Files.readString(occupied));
        assertFalse(Files.isSymbolicLink(occupied));

        assertEquals(FleetSocketLink.Outcome.NO_API_SOCKET, FleetSocketLink.offer(Optional.of(dir.resolve("x.sock")), Optional.empty()));
        assertFalse(Files.exists(dir.resolve("x.sock"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(FleetSocketLink.Outcome.FAILED,
                FleetSocketLink.offer(Optional.of(dir.resolve("no/such/dir/fleet.sock")), Optional.of(dir.resolve("new.sock"))));
    }
}
