package dev.flotilla.registry;

/** A value read from the registry with the etcd revision the read saw. */
public record Versioned<T>(T value, long revision) {
}
