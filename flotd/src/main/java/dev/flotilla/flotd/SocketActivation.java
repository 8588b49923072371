package dev.flotilla.flotd;

import dev.flotilla.api.server.ApiServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The API socket handed over by systemd ({@code flotd.socket}), so the socket exists, with its
 * mode and group, before the daemon runs, and survives its restarts.
 *
 * <p>systemd passes the socket as fd 3 with {@code LISTEN_FDS=1} and {@code LISTEN_PID}. Java can
 * take an inherited channel only on fd 0 ({@link System#inheritedChannel()}), so {@code bin/flotd}
 * moves fd 3 to fd 0 before it starts the JVM. Without a socket from systemd, flotd binds the
 * configured {@code api_socket} itself.
 */
final class SocketActivation {
    private static final Logger log = LoggerFactory.getLogger(SocketActivation.class);

    private SocketActivation() {
    }

    /** How many sockets systemd passed to this very process ({@code LISTEN_PID} is ours). */
    static int passedSockets(Map<String, String> env, long pid) {
        String forPid = env.get("LISTEN_PID");
        String fds = env.get("LISTEN_FDS");
        if (forPid == null || fds == null || !forPid.strip().equals(Long.toString(pid))) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(fds.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The path of the inherited unix listening socket, if the channel is one. */
    static Optional<Path> unixListeningPath(Channel inherited) throws IOException {
        if (inherited instanceof ServerSocketChannel listening) {
            SocketAddress address = listening.getLocalAddress();
            if (address instanceof UnixDomainSocketAddress unix) {
                return Optional.of(unix.getPath());
            }
        }
        return Optional.empty();
    }

    /** The socket systemd passed to this process, if any and usable. */
    static Optional<Path> inheritedApiSocket() {
        int passed = passedSockets(System.getenv(), ProcessHandle.current().pid());
        if (passed == 0) {
            return Optional.empty();
        }
        if (passed > 1) {
            log.warn("systemd passed {} sockets, expected only the API socket: binding the API socket myself", passed);
            return Optional.empty();
        }
        try {
            Optional<Path> path = unixListeningPath(System.inheritedChannel());
            if (path.isEmpty()) {
                log.warn("systemd passed a socket but fd 0 is not a unix listening socket (is flotd started"
                        + " through bin/flotd?): binding the API socket myself");
            }
            return path;
        } catch (IOException e) {
            log.warn("cannot take the socket systemd passed: {}; binding the API socket myself", e.getMessage());
            return Optional.empty();
        }
    }

    /** The API's configuration: systemd's socket if it passed one, else the configured one. */
    static ApiServer.Config apiServerConfig(FlotdConfig config) {
        Optional<InetSocketAddress> tcp = config.apiListen()
                .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()));
        Optional<Path> inherited = inheritedApiSocket();
        if (inherited.isEmpty()) {
            return new ApiServer.Config(config.apiSocket(), config.apiSocketGroup(), tcp, false, config.apiSecurity());
        }
        if (!config.apiSocket().equals(inherited)) {
            log.warn("api_socket={} is not used: systemd passed the socket {}",
                    config.apiSocket().map(Path::toString).orElse(""), inherited.get());
        }
        return new ApiServer.Config(inherited, Optional.empty(), tcp, true, config.apiSecurity());
    }
}
