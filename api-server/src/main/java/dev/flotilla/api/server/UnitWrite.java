package dev.flotilla.api.server;

import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.Versioned;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

import java.util.Optional;

/**
 * Writing one checked unit: create it, replace its text, or set its desired state, each as a
 * compare-and-set on the revision read, read again after a lost race. fleet's PUT and Flotilla's
 * differ only in the rules of {@link Rules}.
 */
final class UnitWrite {
    private static final int ATTEMPTS = 20;

    /** What happened. */
    enum Change { CREATED, REPLACED, UPDATED, UNCHANGED }

    /**
     * @param revision the unit record's modification revision after the write: what the client waits
     *                 for the agents to answer (a state's {@code answers}); 0 when not known
     */
    record Outcome(Change change, UnitRecord unit, long revision) {
        Outcome(Change change, UnitRecord unit) {
            this(change, unit, 0);
        }

        Outcome at(long rev) {
            return new Outcome(change, unit, rev);
        }
    }

    /**
     * The modification revision of the unit record now, read right after a write (the registry's
     * writes do not return their revision): the write's own, or a later one if the unit changed again
     * meanwhile, which the engine's assignment then follows as well.
     */
    static long revisionAfterWrite(Registry registry, String name) {
        return registry.unit(name).map(Versioned::revision).orElse(0L);
    }

    /** Where the two APIs differ. */
    interface Rules {
        /** The refusal when the unit does not exist and no text was given. */
        HttpFailure absentWithoutText(UnitName name);

        /** Whether the given unit file counts as a new text for the stored unit. */
        boolean differs(UnitRecord current, UnitFile file);

        /** The refusal of a differing text, or null when it may replace the stored one. */
        HttpFailure refuseReplace(UnitName name, UnitRecord current, UnitFile file);

        /** The refusal when a replace lost a race, or null to read again and decide anew. */
        HttpFailure lostReplace(UnitName name);

        /** The refusal when the unit exists, the text is the same and no desired state was given, or null. */
        HttpFailure nothingAsked(UnitName name);

        /** The desired state of a replaced unit; by default the one given, else the stored one. */
        default DesiredState desiredAfterReplace(UnitRecord current, DesiredState given) {
            return given == null ? current.desired() : given;
        }
    }

    private UnitWrite() {
    }

    /** @param file the checked text, or null; @param desired the desired state, or null to keep it */
    static Outcome write(Registry registry, Rules rules, UnitName name, UnitFile file, DesiredState desired) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Versioned<UnitRecord>> existing = registry.unit(name.value());
            if (existing.isEmpty()) {
                if (file == null) {
                    throw rules.absentWithoutText(name);
                }
                UnitRecord created = new UnitRecord(name.value(), file.text(), file.hash(),
                        desired == null ? DesiredState.INACTIVE : desired);
                if (registry.createUnit(created)) {
                    return new Outcome(Change.CREATED, created, revisionAfterWrite(registry, name.value()));
                }
                continue; // created meanwhile: look again
            }
            UnitRecord current = existing.get().value();
            long revision = existing.get().revision();
            if (file != null && rules.differs(current, file)) {
                HttpFailure refusal = rules.refuseReplace(name, current, file);
                if (refusal != null) {
                    throw refusal;
                }
                UnitRecord replaced = new UnitRecord(name.value(), file.text(), file.hash(),
                        rules.desiredAfterReplace(current, desired));
                if (registry.replaceUnit(replaced, revision)) {
                    return new Outcome(Change.REPLACED, replaced, revisionAfterWrite(registry, name.value()));
                }
                HttpFailure lost = rules.lostReplace(name);
                if (lost != null) {
                    throw lost;
                }
                continue;
            }
            if (desired == null) {
                HttpFailure refusal = rules.nothingAsked(name);
                if (refusal != null) {
                    throw refusal;
                }
            }
            if (desired == null || desired == current.desired()) {
                return new Outcome(Change.UNCHANGED, current, revision);
            }
            UnitRecord updated = current.withDesired(desired);
            if (registry.replaceUnit(updated, revision)) {
                return new Outcome(Change.UPDATED, updated, revisionAfterWrite(registry, name.value()));
            }
            // The desired state or text changed meanwhile: read again (never overwrite new text).
        }
        throw HttpFailure.conflict("unit " + name + " kept changing while it was being written; try again");
    }
}
