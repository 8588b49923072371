package dev.flotilla.systemd;

/** Stops a {@link Systemd#watch(UnitStateListener) watch}. Idempotent. */
public interface UnitWatch extends AutoCloseable {
    @Override
    void close();
}
