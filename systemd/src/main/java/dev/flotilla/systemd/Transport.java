package dev.flotilla.systemd;

/** How to reach systemd. */
public enum Transport {
    /**
     * Root: the private socket, falling back to the system bus if that fails; anyone else: the system
     * bus (where only reads are allowed without polkit rights).
     */
    AUTO,
    /**
     * {@code /run/systemd/private}: a direct peer connection to PID 1, root only. No bus daemon in
     * between, so no pending-reply limit and every signal arrives without Subscribe().
     */
    PRIVATE_SOCKET,
    /** The system bus (dbus-daemon), bus name org.freedesktop.systemd1. */
    SYSTEM_BUS
}
