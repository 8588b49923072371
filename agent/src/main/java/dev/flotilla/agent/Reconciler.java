package dev.flotilla.agent;

import dev.flotilla.systemd.UnitStatus;

import java.util.TreeSet;

import static dev.flotilla.agent.LocalState.isDeactivating;
import static dev.flotilla.agent.LocalState.isUp;

/**
 * The agent's planner: desired set + local state in, the actions of one pass out. Pure: no I/O, no
 * clock, the same inputs give the same plan.
 *
 * <p>Rules, per unit:
 * <ul>
 * <li>not desired: stop it if it runs; once it is down, reset it if failed, unlink it, delete its file.</li>
 * <li>new: write, link, enable if it has [Install], start if launched.</li>
 * <li>changed hash ("unload, load, start"): stop it first if it runs; once it is down, rewrite, reload, start.
 *     The stop runs with the old definition (its ExecStop=), and the start with the new one.</li>
 * <li>unchanged: start a launched unit the agent has not launched at this hash yet, or count it as launched
 *     if it already runs; stop a loaded unit the agent had launched; stop a blocked one that runs.</li>
 * <li>a unit with a job in flight waits for it, except a start that is no longer wanted: a stop replaces it.</li>
 * <li>held units are left exactly as they are.</li>
 * </ul>
 * One reload per pass, and only when needed: a rewritten file, an unlink, an enable or disable. A new
 * file needs none (systemd loads a newly linked unit on its first start).
 */
final class Reconciler {
    private Reconciler() {
    }

    static Plan plan(DesiredSet desired, LocalState local) {
        TreeSet<String> names = new TreeSet<>(desired.units().keySet());
        names.addAll(local.installed().keySet());
        names.addAll(local.pending().keySet());
        names.addAll(local.launched().keySet());
        names.addAll(local.linked());
        Plan.Builder plan = new Plan.Builder();
        for (String name : names) {
            if (desired.held().contains(name)) {
                continue;
            }
            DesiredUnit unit = desired.units().get(name);
            if (unit == null) {
                unload(name, local, plan);
            } else {
                keep(unit, local, plan);
            }
        }
        return plan.build();
    }

    private static void unload(String name, LocalState local, Plan.Builder plan) {
        if (!bringDown(name, local, plan)) {
            return;
        }
        UnitStatus status = local.status(name);
        if (local.launched().containsKey(name)) {
            plan.forget(name);
        }
        if (status.isFailed()) {
            plan.resetFailed(name);
        }
        boolean installed = local.installed().containsKey(name);
        if (installed || local.linked().contains(name)) {
            plan.unlink(name);
        }
        if (installed) {
            plan.remove(name);
        }
    }

    /**
     * Makes sure the unit is down before its file is touched: true if it already is (and no job is in
     * flight), else adds a stop when one is needed and returns false (the next pass goes on).
     */
    private static boolean bringDown(String name, LocalState local, Plan.Builder plan) {
        JobKind job = local.pending().get(name);
        UnitStatus status = local.status(name);
        if (job == JobKind.START || job == null && isUp(status)) {
            plan.stop(name);
            return false;
        }
        return job == null && !isDeactivating(status);
    }

    private static void keep(DesiredUnit unit, LocalState local, Plan.Builder plan) {
        String name = unit.name();
        String installed = local.installed().get(name);
        UnitStatus status = local.status(name);
        boolean changed = installed != null && !installed.equals(unit.hash());
        // A unit that runs without our file (e.g. the folder was emptied) runs some other text too.
        boolean foreignCopy = installed == null && (isUp(status) || isDeactivating(status));
        if ((changed || foreignCopy) && !bringDown(name, local, plan)) {
            return;
        }
        if (changed || installed == null) {
            if (changed && local.enabled().contains(name)) {
                plan.disable(name);
            }
            plan.write(unit, changed || foreignCopy);
            plan.link(name);
            if (unit.enable()) {
                plan.enable(name);
            }
            if (local.pending().containsKey(name)) {
                return; // a stop of an earlier copy is still running: start after it ended
            }
            if (unit.goal() == Goal.LAUNCHED) {
                plan.start(name, unit.hash());
            } else if (local.launched().containsKey(name)) {
                plan.forget(name);
            }
            return;
        }
        if (!local.linked().contains(name)) {
            plan.link(name);
        }
        if (unit.enable() && !local.enabled().contains(name)) {
            plan.enable(name);
        } else if (!unit.enable() && local.enabled().contains(name)) {
            plan.disable(name);
        }
        reachGoal(unit, local, plan);
    }

    /** For a unit whose file is already right. */
    private static void reachGoal(DesiredUnit unit, LocalState local, Plan.Builder plan) {
        String name = unit.name();
        JobKind job = local.pending().get(name);
        UnitStatus status = local.status(name);
        boolean launchedByUs = local.launched().containsKey(name);
        switch (unit.goal()) {
            case LAUNCHED -> {
                if (job != null || unit.hash().equals(local.launched().get(name))) {
                    return;
                }
                if (isUp(status)) {
                    plan.markLaunched(name, unit.hash());
                } else if (!isDeactivating(status)) {
                    plan.start(name, unit.hash());
                }
            }
            case LOADED, ACTIVATED -> {
                if (!launchedByUs) {
                    return; // it may run because another unit pulled it in, or its socket: not ours to stop
                }
                if (job == JobKind.START || job == null && isUp(status)) {
                    plan.stop(name);
                } else if (job == null && !isDeactivating(status)) {
                    plan.forget(name);
                }
            }
            case BLOCKED -> {
                if (job == JobKind.START || job == null && isUp(status)) {
                    plan.stop(name);
                } else if (launchedByUs && job == null && !isDeactivating(status)) {
                    plan.forget(name);
                }
            }
            default -> throw new IllegalStateException("unknown goal " + unit.goal());
        }
    }
}
