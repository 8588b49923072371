package dev.flotilla.engine.scheduler;

import java.util.TreeMap;

/** MachineID= resolved once per unit to its one machine (or to why there is none): O(log machines). */
final class MachineIds {

    /** fleet accepted the 8-character short id; we accept any prefix from that length on, if unambiguous. */
    static final int MIN_ID_PREFIX = 8;

    private MachineIds() {
    }

    /** Sets the job's {@link Job#target}, or its {@link Job#targetProblem} if the id names no one machine. */
    static void resolve(Job job, String wanted, TreeMap<String, Node> nodes) {
        Node exact = nodes.get(wanted);
        if (exact != null) {
            job.target = exact;
            return;
        }
        String first = nodes.ceilingKey(wanted);
        if (first == null || !first.startsWith(wanted)) {
            job.targetProblem = "MachineID " + wanted + " matches no machine in the cluster";
        } else if (wanted.length() < MIN_ID_PREFIX) {
            job.targetProblem = "MachineID " + wanted + " matches no machine in the cluster (a shortened id needs at least "
                    + MIN_ID_PREFIX + " characters)";
        } else {
            String second = nodes.higherKey(first);
            if (second != null && second.startsWith(wanted)) {
                job.targetProblem = "MachineID " + wanted + " is ambiguous: machines " + first + " and " + second
                        + " both start with it";
            } else {
                job.target = nodes.get(first);
            }
        }
    }
}
