package dev.flotilla.systemd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Connection settings. {@link #defaults()} fits the agent; tests and tools change single fields with
 * the {@code with...} methods.
 *
 * @param transport         how to reach systemd
 * @param privateSocket     systemd's private socket (root only)
 * @param systemBusAddress  D-Bus address of the system bus, or null for dbus-java's default
 *                          ({@code DBUS_SYSTEM_BUS_ADDRESS}, else {@code /var/run/dbus/system_bus_socket})
 * @param runtimeUnitDir    where runtime links live ({@code /run/systemd/system}); read by
 *                          {@link Systemd#disableRuntime} to keep a unit linked
 * @param connectTimeout    the socket connect gives up after this (dbus-java retries ~10 s by default)
 * @param handshakeTimeout  a whole connect attempt (socket, auth, signal matches, first call) gives up
 *                          after connectTimeout + this: dbus-java's timeout does not cover a peer that
 *                          accepts but never answers (e.g. a hung PID 1)
 * @param awaitReconnect    how long a call waits for a lost connection to come back before it fails
 * @param maxInFlight       bound on pipelined job calls per connection: dbus-daemon refuses more than
 *                          128 pending replies per connection
 * @param reconnectMinDelay first delay between reconnect attempts, doubled up to reconnectMaxDelay
 * @param reconnectMaxDelay longest delay between reconnect attempts
 */
public record SystemdOptions(
        Transport transport,
        Path privateSocket,
        String systemBusAddress,
        Path runtimeUnitDir,
        Duration connectTimeout,
        Duration handshakeTimeout,
        Duration awaitReconnect,
        int maxInFlight,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay) {

    public SystemdOptions {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(privateSocket, "privateSocket");
        Objects.requireNonNull(runtimeUnitDir, "runtimeUnitDir");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(awaitReconnect, "awaitReconnect");
        requirePositive(reconnectMinDelay, "reconnectMinDelay");
        requirePositive(reconnectMaxDelay, "reconnectMaxDelay");
        if (maxInFlight < 1 || maxInFlight > 120) {
            throw new IllegalArgumentException("maxInFlight must be 1..120 (dbus-daemon allows 128 pending replies): " + maxInFlight);
        }
        if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connectTimeout too long: " + connectTimeout);
        }
    }

    public static SystemdOptions defaults() {
        return new SystemdOptions(Transport.AUTO, Path.of("/run/systemd/private"), null, Path.of("/run/systemd/system"),
                Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(5), 64, Duration.ofMillis(50), Duration.ofSeconds(2));
    }

    public SystemdOptions withTransport(Transport value) {
        return new SystemdOptions(value, privateSocket, systemBusAddress, runtimeUnitDir, connectTimeout, handshakeTimeout, awaitReconnect,
                maxInFlight, reconnectMinDelay, reconnectMaxDelay);
    }

    public SystemdOptions withPrivateSocket(Path value) {
        return new SystemdOptions(transport, value, systemBusAddress, runtimeUnitDir, connectTimeout, handshakeTimeout, awaitReconnect,
                maxInFlight, reconnectMinDelay, reconnectMaxDelay);
    }

    public SystemdOptions withSystemBusAddress(String value) {
        return new SystemdOptions(transport, privateSocket, value, runtimeUnitDir, connectTimeout, handshakeTimeout, awaitReconnect,
                maxInFlight, reconnectMinDelay, reconnectMaxDelay);
    }

    public SystemdOptions withConnectTimeout(Duration value) {
        return new SystemdOptions(transport, privateSocket, systemBusAddress, runtimeUnitDir, value, handshakeTimeout, awaitReconnect,
                maxInFlight, reconnectMinDelay, reconnectMaxDelay);
    }

    public SystemdOptions withHandshakeTimeout(Duration value) {
        return new SystemdOptions(transport, privateSocket, systemBusAddress, runtimeUnitDir, connectTimeout, value,
                awaitReconnect, maxInFlight, reconnectMinDelay, reconnectMaxDelay);
    }

    public SystemdOptions withAwaitReconnect(Duration value) {
        return new SystemdOptions(transport, privateSocket, systemBusAddress, runtimeUnitDir, connectTimeout, handshakeTimeout, value,
                maxInFlight, reconnectMinDelay, reconnectMaxDelay);
    }

    public SystemdOptions withMaxInFlight(int value) {
        return new SystemdOptions(transport, privateSocket, systemBusAddress, runtimeUnitDir, connectTimeout, handshakeTimeout, awaitReconnect,
                value, reconnectMinDelay, reconnectMaxDelay);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
