package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitChange;
import dev.flotilla.api.UnitResult;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.DesiredState;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes units through the API: one unit with its own PUT, several with one POST of them all (a
 * few etcd transactions instead of a request per unit). Any unit the cluster refused fails the
 * command, naming each.
 */
final class UnitWrites {
    private UnitWrites() {
    }

    /** @param text null to leave the text; @param desired null to keep it */
    record Write(String name, String text, DesiredState desired, boolean replace) {
    }

    /** The change of each unit, in the order given. */
    static List<UnitChange> apply(FlotillaClient client, List<Write> writes) {
        if (writes.size() == 1) {
            Write w = writes.get(0);
            return List.of(w.text() == null ? client.setDesiredState(w.name(), w.desired())
                    : client.submit(w.name(), w.text(), w.desired(), w.replace()));
        }
        List<UnitSubmission> body = writes.stream().map(w -> new UnitSubmission(w.name(), w.text(),
                w.desired() == null ? null : w.desired().fleetName(), w.replace() ? Boolean.TRUE : null)).toList();
        List<UnitResult> results = writes.isEmpty() ? List.of() : client.submitAll(body);
        List<UnitChange> changes = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (UnitResult r : results) {
            if (r.succeeded()) {
                changes.add(new UnitChange(r.change(), r.name(), r.hash(), r.desiredState(), r.revision()));
            } else {
                refused.add(r.error());
            }
        }
        if (!refused.isEmpty()) {
            throw new CommandFailure(refused.get(0), refused.subList(1, refused.size()));
        }
        return changes;
    }

    /** Sets the desired state of existing units; the change of each. */
    static List<UnitChange> setDesired(FlotillaClient client, List<String> names, DesiredState desired) {
        return apply(client, names.stream().map(n -> new Write(n, null, desired, false)).toList());
    }
}
