package dev.flotilla.registry;

/** etcd could not be reached or answered with an error; the message says which operation. */
public class RegistryException extends RuntimeException {
    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryException(String message) {
        super(message);
    }
}
