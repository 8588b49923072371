package dev.flotilla.engine.scheduler;

/** Why one machine cannot take one unit. Each says why in words, and what an evicted unit's Unassign says. */
sealed interface Veto {

    /** The Unassign reason when this veto makes a unit leave the machine it had. */
    Decision.Reason reason();

    /** A sentence about the unit and the machine, described by {@code where} ("machine abc…"). */
    String explain(String where);

    /** The short form used when tallying vetoes over many machines. */
    String clause();

    record NotMachineId(String wanted) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.CONSTRAINTS_UNMET;
        }

        public String explain(String where) {
            return where + " is not MachineID " + wanted;
        }

        public String clause() {
            return "is not MachineID " + wanted;
        }
    }

    record MetadataMismatch(MetadataRule rule) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.CONSTRAINTS_UNMET;
        }

        public String explain(String where) {
            return where + " does not match MachineMetadata" + describe(rule);
        }

        public String clause() {
            return "does not match MachineMetadata" + describe(rule);
        }

        static String describe(MetadataRule rule) {
            return rule instanceof MetadataMatch m ? " " + m : "";
        }
    }

    record PeerAbsent(String peer) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.PEER_MOVED;
        }

        public String explain(String where) {
            return where + " does not hold MachineOf peer " + peer;
        }

        public String clause() {
            return "does not hold MachineOf peer " + peer;
        }
    }

    record ReplacedBy(String unit) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.REPLACED;
        }

        public String explain(String where) {
            return "replaced by " + unit + " on " + where;
        }

        public String clause() {
            return "replaced by " + unit;
        }
    }

    record ConflictsWith(String unit) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.CONFLICT;
        }

        public String explain(String where) {
            return "conflicts with " + unit + " on " + where;
        }

        public String clause() {
            return "conflicts with " + unit;
        }
    }

    /** The unit would push off one that was itself placed in this pass; refused so a pass always ends. */
    record WouldReplacePlaced(String unit) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.REPLACED;
        }

        public String explain(String where) {
            return "would replace " + unit + ", placed in this pass, on " + where;
        }

        public String clause() {
            return "would replace " + unit + " (placed in this pass)";
        }
    }

    /** RescheduleOnFailure=: the unit failed on this machine, and is moved off it and never back. */
    record FailedThere() implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.FAILED;
        }

        public String explain(String where) {
            return "it failed on " + where + " (RescheduleOnFailure=)";
        }

        public String clause() {
            return "it failed there (RescheduleOnFailure=)";
        }
    }

    /**
     * The machine has too little free in one dimension for what the unit reserves there.
     *
     * @param memory whether memory (else CPU) is short
     * @param need   what the unit needs there, in words ("4 GiB memory")
     * @param free   what the machine has free there (negative if global units overfill it)
     */
    record NoRoom(boolean memory, String need, long free) implements Veto {
        public Decision.Reason reason() {
            return Decision.Reason.NO_ROOM;
        }

        public String explain(String where) {
            return "needs " + need + "; " + where + " has " + freeText() + " free";
        }

        public String clause() {
            return "needs " + need;
        }

        String freeText() {
            return memory ? Amounts.bytes(free, java.math.RoundingMode.DOWN) : Amounts.cpus(free);
        }
    }
}
