package dev.flotilla.registry;

/** A running watch; closing it stops delivery. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
