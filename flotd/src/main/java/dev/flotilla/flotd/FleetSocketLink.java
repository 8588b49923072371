package dev.flotilla.flotd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * fleetctl's default endpoint is {@code unix:///var/run/fleet.sock}. With {@code fleet_socket=}
 * set, flotd makes that path a symlink to its API socket, so fleetctl on the machine needs no
 * {@code --endpoint}; connecting through it is connecting to the socket, with its mode and group.
 * A symlink rather than a second listener: it also reaches the socket systemd holds (flotd.socket)
 * while flotd is not running. It is left in place at exit for that reason (dangling, it fails as a
 * missing socket would). An existing file that is not a symlink (a real fleet's socket) is never
 * replaced.
 */
final class FleetSocketLink {
    private static final Logger log = LoggerFactory.getLogger(FleetSocketLink.class);

    private FleetSocketLink() {
    }

    /** What was done, for the log and tests. */
    enum Outcome { NOT_ASKED, LINKED, NO_API_SOCKET, OCCUPIED, FAILED }

    static Outcome offer(Optional<Path> link, Optional<Path> apiSocket) {
        if (link.isEmpty()) {
            return Outcome.NOT_ASKED;
        }
        Path at = link.get();
        if (apiSocket.isEmpty()) {
            log.warn("fleet_socket={} is not offered: the API has no unix socket (api_socket is empty)", at);
            return Outcome.NO_API_SOCKET;
        }
        Path target = apiSocket.get().toAbsolutePath();
        try {
            if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isSymbolicLink(at)) {
                    log.warn("fleet_socket={} is not offered: that path exists and is not a symlink (is fleet running?)", at);
                    return Outcome.OCCUPIED;
                }
                if (Files.readSymbolicLink(at).equals(target)) {
                    return Outcome.LINKED;
                }
                Files.delete(at); // a link of an earlier run or of another socket path
            }
            Files.createSymbolicLink(at, target);
            log.info("fleetctl's default endpoint unix://{} leads to the API socket {}", at, target);
            return Outcome.LINKED;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("fleet_socket={} is not offered: {}", at, e.toString());
            return Outcome.FAILED;
        }
    }
}
