package dev.flotilla.systemd;

import java.time.Instant;
import java.util.Objects;

/** Where the client's connection to systemd stands. Each transition is logged once. */
public sealed interface SystemdConnectionState {

    /** When this state began. */
    Instant since();

    /** Calls go through on {@code transport}. */
    record Connected(Transport transport, Instant since) implements SystemdConnectionState {
        public Connected {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(since, "since");
        }
    }

    /**
     * The connection dropped (e.g. {@code systemctl daemon-reexec} closes the private socket) and the
     * client is reconnecting by itself. Calls wait a bounded time for it, then fail with
     * {@link SystemdException.Unavailable}. Listeners get {@link UnitStateListener#resync()} once it is back.
     */
    record Reconnecting(Instant since, String cause) implements SystemdConnectionState {
        public Reconnecting {
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** {@link Systemd#close()} was called. Terminal. */
    record Closed(Instant since) implements SystemdConnectionState {
        public Closed {
            Objects.requireNonNull(since, "since");
        }
    }
}
