package dev.flotilla.model;

/**
 * A unit's systemd state on a machine, as its agent last published it.
 *
 * @param answers   the etcd revision of the desired change this state follows: the modification
 *                  revision of the assignment (or, for a global unit, the unit record) the agent had
 *                  acted on when it read this state; 0 when not known (an older agent). A client
 *                  that wrote a change at revision W knows a state with {@code answers >= W} is a
 *                  reply to it, and one with less is left from before.
 * @param restarts  systemd's {@code NRestarts}: how often {@code Restart=} restarted the service
 * @param sinceMicros systemd's {@code StateChangeTimestamp} (microseconds since the epoch), 0 unknown
 */
public record UnitState(String machineId, String unit, String hash, String loadState, String activeState,
                        String subState, long answers, int restarts, long sinceMicros) {

    public UnitState(String machineId, String unit, String hash, String loadState, String activeState,
                     String subState) {
        this(machineId, unit, hash, loadState, activeState, subState, 0, 0, 0);
    }
}
