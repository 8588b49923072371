package dev.flotilla.systemd;

/** Stops a {@link Systemd#watch(UnitStateListener) watch}. Idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
