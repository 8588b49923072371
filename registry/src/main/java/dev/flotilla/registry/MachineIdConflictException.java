package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import java.time.Duration;

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

    /** The refusal after waiting conflictWait for the holder's registration to go away. */
    static MachineIdConflictException stillHeld(Machine holder, Duration conflictWait) {
        return new MachineIdConflictException(holder, "machine id " + holder.id()
                + " is already registered by another running daemon (public IP "
                + (holder.publicIp().isEmpty() ? "unknown" : holder.publicIp())
                + "); every machine needs its own /etc/machine-id. A dead daemon's registration expires"
                + " within its TTL; this one stayed alive for " + conflictWait.toSeconds() + " s.");
    }
}
