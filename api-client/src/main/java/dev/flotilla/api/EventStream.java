package dev.flotilla.api;

/**
 * A running subscription to the cluster's events ({@link FlotillaClient#events}). It reconnects
 * by itself after a lost connection or a 5xx, resuming after the last revision handed to the
 * listener; a 4xx (refused credentials, bad request) ends it. Close it to stop.
 */
public interface EventStream extends AutoCloseable {
    /** Revision of the last event handed to the listener (the {@code since} given until then). */
    long lastRevision();

    /** False once closed, or ended by a 4xx. */
    boolean isRunning();

    @Override
    void close();
}
