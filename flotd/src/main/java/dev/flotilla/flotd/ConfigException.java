package dev.flotilla.flotd;

/** A bad configuration file or flag; the message names the file, line and key. */
final class ConfigException extends Exception {
    ConfigException(String message) {
        super(message);
    }
}
