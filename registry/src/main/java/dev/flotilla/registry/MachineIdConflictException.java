package dev.flotilla.registry;

/** Another live daemon already holds this machine id. */
public final class MachineIdConflictException extends RegistryException {
    private final Machine holder;

    public MachineIdConflictException(Machine holder, String message) {
        super(message);
        this.holder = holder;
    }

    public Machine holder() {
        return holder;
    }
}
