package dev.flotilla.api.server;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

import java.nio.file.Path;

/**
 * Serves the unix listening socket this process inherited on fd 0 (systemd's flotd.socket).
 *
 * <p>{@link ApiServer} never stops this connector (see {@code closeKeepingInheritedSocket}). Should
 * it be stopped anyway: Jetty removes a unix connector's socket path when the connector stops,
 * but this socket belongs to systemd and must outlive the daemon (a restarted daemon is handed
 * the same socket, and clients keep finding it at its path). So Jetty is given a path that never
 * exists (Debian reserves {@code /nonexistent}); it uses the path only to bind (not done for an
 * inherited channel), to remove it and to describe the connector.
 */
final class InheritedUnixConnector extends UnixDomainServerConnector {
    private static final Path NEVER_EXISTS = Path.of("/nonexistent/flotilla-socket-from-systemd");

    InheritedUnixConnector(Server server) {
        // No acceptor thread: connections are accepted by the selector. Interrupting a thread
        // blocked in accept() (as Jetty does on shutdown) would close the inherited channel.
        super(server, 0, 1);
        setInheritChannel(true);
    }

    @Override
    public Path getUnixDomainPath() {
        return NEVER_EXISTS;
    }
}
