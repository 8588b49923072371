package dev.flotilla.api;

import java.util.Locale;

/**
 * What a plan ({@code POST /flotilla/v1/plan}) says would happen to one unit.
 *
 * @param name          the unit
 * @param verdict       {@code place} (onto {@code machineID}), {@code stay} (where it is), {@code move}
 *                      (from {@code fromMachineID} to {@code machineID}), {@code wait} ({@code reason}
 *                      says why; {@code fromMachineID} is where it would be pushed off, if anywhere),
 *                      {@code global} (run by every machine it matches, never assigned) or
 *                      {@code inactive} (desired inactive: it gets no machine; it leaves {@code fromMachineID})
 * @param machineID     where it would be; "" when nowhere
 * @param machineIP     that machine's address, "" when unknown
 * @param fromMachineID where it is now, when that changes; else ""
 * @param fromMachineIP that machine's address
 * @param reason        why it would wait, in the scheduler's words; else ""
 */
public record PlanEntry(String name, String verdict, String machineID, String machineIP, String fromMachineID,
                        String fromMachineIP, String reason) {

    /** The closed set of verdicts, as they appear in the JSON. */
    public enum Verdict {
        PLACE, STAY, MOVE, WAIT, GLOBAL, INACTIVE;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PlanEntry {
        machineID = machineID == null ? "" : machineID;
        machineIP = machineIP == null ? "" : machineIP;
        fromMachineID = fromMachineID == null ? "" : fromMachineID;
        fromMachineIP = fromMachineIP == null ? "" : fromMachineIP;
        reason = reason == null ? "" : reason;
    }

    public boolean waits() {
        return Verdict.WAIT.json().equals(verdict);
    }
}
