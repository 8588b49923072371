package dev.flotilla.flotd;

/** Reads flotd's configuration again, as it was read at start (file and flags): for reloads. */
@FunctionalInterface
interface ConfigSource {
    FlotdConfig load() throws ConfigException;
}
