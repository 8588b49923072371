package dev.flotilla.systemd;

import java.util.Optional;

/**
 * A systemd operation failed. Sealed: either systemd could not be reached (retry later) or systemd
 * answered with an error (retrying the same call won't help). Both are unchecked, like dbus-java's.
 */
public abstract sealed class SystemdException extends RuntimeException
        permits SystemdException.Unavailable, SystemdException.Rejected {

    SystemdException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message of {@code e}, or its class name when it has none. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** No connection to systemd, the connection broke during the call, or no reply in time. */
    public static final class Unavailable extends SystemdException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** systemd answered with a D-Bus error, e.g. an invalid unit name or a unit that can't be loaded. */
    public static final class Rejected extends SystemdException {
        private final String errorName;

        public Rejected(String message, String errorName, Throwable cause) {
            super(message, cause);
            this.errorName = errorName;
        }

        /**
         * The D-Bus error name, e.g. {@code org.freedesktop.systemd1.LoadFailed}, when the client knows
         * it (only errors with a Java twin class keep their name through dbus-java).
         */
        public Optional<String> errorName() {
            return Optional.ofNullable(errorName);
        }
    }
}
