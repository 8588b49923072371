package dev.flotilla.engine.scheduler;

import java.util.Objects;

/** One change to the assignments. A move is an {@link Unassign} plus an {@link Assign} in the same pass. */
public sealed interface Decision permits Decision.Assign, Decision.Unassign {

    String unit();

    String machine();

    /** Put {@code unit} on {@code machine}. */
    record Assign(String unit, String machine) implements Decision {
        public Assign {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(machine, "machine");
        }
    }

    /** Take {@code unit} off {@code machine} (where it was assigned when the pass began). */
    record Unassign(String unit, String machine, Reason reason) implements Decision {
        public Unassign {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a unit leaves the machine it had. */
    enum Reason {
        /** its desired state is inactive */
        INACTIVE,
        /** it is no longer in the cluster */
        UNIT_REMOVED,
        /** it is global now: agents run it, it has no assignment */
        GLOBAL,
        /** its machine left the cluster */
        MACHINE_GONE,
        /** the machine no longer satisfies MachineID or MachineMetadata (or MachineOf cannot be met) */
        CONSTRAINTS_UNMET,
        /** it conflicts with another unit kept on that machine */
        CONFLICT,
        /** a unit whose Replaces= matches it took the machine, or it lost a mutual Replaces */
        REPLACED,
        /** its MachineOf peer is no longer on that machine; it follows the peer */
        PEER_MOVED,
        /** it failed there and RescheduleOnFailure= moves it */
        FAILED,
        /** the machine no longer has room for its demand (its capacity shrank, or global units reserve more) */
        NO_ROOM
    }
}
