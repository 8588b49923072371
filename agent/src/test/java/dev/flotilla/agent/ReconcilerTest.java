package dev.flotilla.agent;

import dev.flotilla.agent.Action.Disable;
import dev.flotilla.agent.Action.Enable;
import dev.flotilla.agent.Action.Forget;
import dev.flotilla.agent.Action.Link;
import dev.flotilla.agent.Action.MarkLaunched;
import dev.flotilla.agent.Action.Reload;
import dev.flotilla.agent.Action.Remove;
import dev.flotilla.agent.Action.ResetFailed;
import dev.flotilla.agent.Action.Start;
import dev.flotilla.agent.Action.Stop;
import dev.flotilla.agent.Action.Unlink;
import dev.flotilla.agent.Action.Write;
import dev.flotilla.systemd.UnitStatus;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every transition of the planner, with plain values. */
class ReconcilerTest {

    static final String A = "a.service";
    static final String TEXT1 = "[Service]\nExecStart=/bin/sleep 1000\n";
    static final String TEXT2 = "[Service]\nExecStart=/bin/sleep 2000\n";
    static final String H1 = UnitFile.hashOf(TEXT1);
    static final String H2 = UnitFile.hashOf(TEXT2);

    static DesiredUnit unit(String name, String text, Goal goal, boolean enable) {
        return new DesiredUnit(name, text, UnitFile.hashOf(text), goal, enable);
    }

    static DesiredSet desired(DesiredUnit... units) {
        Map<String, DesiredUnit> m = new HashMap<>();
        for (DesiredUnit u : units) {
            m.put(u.name(), u);
        }
        return new DesiredSet(m, Set.of(), new TreeMap<>());
    }

    static UnitStatus st(String name, String active, String sub) {
        return new UnitStatus(name, "loaded", active, sub);
    }

    /** A small builder of local states. */
    static final class Local {
        final Map<String, String> installed = new HashMap<>();
        final Set<String> linked = new HashSet<>();
        final Set<String> enabled = new HashSet<>();
        final Map<String, String> launched = new HashMap<>();
        final Map<String, JobKind> pending = new HashMap<>();
        final Map<String, UnitStatus> statuses = new HashMap<>();

        Local installed(String name, String hash) {
            installed.put(name, hash);
            linked.add(name);
            return this;
        }

        Local notLinked(String name) {
            linked.remove(name);
            return this;
        }

        Local enabled(String name) {
            enabled.add(name);
            return this;
        }

        Local launched(String name, String hash) {
            launched.put(name, hash);
            return this;
        }

        Local pending(String name, JobKind kind) {
            pending.put(name, kind);
            return this;
        }

        Local status(String name, String active, String sub) {
            statuses.put(name, st(name, active, sub));
            return this;
        }

        Local running(String name) {
            return status(name, "active", "running");
        }

        LocalState build() {
            return new LocalState(installed, linked, enabled, launched, pending, statuses);
        }
    }

    static Local local() {
        return new Local();
    }

    static List<Action> plan(DesiredSet d, Local l) {
        return Reconciler.plan(d, l.build()).actions();
    }

    @Test
    void nothingWantedNothingThereIsNothingToDo() {
        assertEquals(List.of(), plan(DesiredSet.EMPTY, local()));
    }

    @Nested
    class NewUnits {
        @Test
        void aLaunchedUnitIsWrittenLinkedAndStartedWithoutReload() {
            assertEquals(List.of(new Write(A, TEXT1, H1), new Link(List.of(A)), new Start(A, H1)),
                    plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local()));
        }

        @Test
        void aLoadedUnitIsWrittenAndLinkedOnly() {
            assertEquals(List.of(new Write(A, TEXT1, H1), new Link(List.of(A))),
                    plan(desired(unit(A, TEXT1, Goal.LOADED, false)), local()));
        }

        @Test
        void aUnitWithInstallIsEnabledAndSystemdReloadedBeforeTheStart() {
            assertEquals(List.of(new Write(A, TEXT1, H1), new Link(List.of(A)), new Enable(List.of(A)), new Reload(),
                    new Start(A, H1)), plan(desired(unit(A, TEXT1, Goal.LAUNCHED, true)), local()));
        }

        @Test
        void aTemplateIsWrittenButNeverStarted() {
            assertEquals(List.of(new Write("t@.service", TEXT1, H1), new Link(List.of("t@.service"))),
                    plan(desired(unit("t@.service", TEXT1, Goal.ACTIVATED, false)), local()));
        }

        @Test
        void aBlockedUnitIsInstalledButNotStarted() {
            assertEquals(List.of(new Write(A, TEXT1, H1), new Link(List.of(A))),
                    plan(desired(unit(A, TEXT1, Goal.BLOCKED, false)), local()));
        }

        @Test
        void manyUnitsMakeOneLinkCallAndOneReloadInNameOrder() {
            DesiredSet d = desired(unit("c.service", TEXT1, Goal.LAUNCHED, true), unit("b.service", TEXT1, Goal.LAUNCHED, false),
                    unit(A, TEXT2, Goal.LAUNCHED, true));
            assertEquals(List.of(new Write(A, TEXT2, H2), new Write("b.service", TEXT1, H1), new Write("c.service", TEXT1, H1),
                    new Link(List.of(A, "b.service", "c.service")), new Enable(List.of(A, "c.service")), new Reload(),
                    new Start(A, H2), new Start("b.service", H1), new Start("c.service", H1)), plan(d, local()));
        }

        @Test
        void aCopyRunningWithoutOurFileIsStoppedBeforeOursIsWritten() {
            assertEquals(List.of(new Stop(A)), plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().running(A)));
        }

        @Test
        void aFileWrittenWhileAnOldStopIsPendingIsStartedOnlyAfterIt() {
            assertEquals(List.of(new Write(A, TEXT1, H1), new Link(List.of(A))),
                    plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().pending(A, JobKind.STOP)));
        }
    }

    @Nested
    class ChangedUnits {
        final DesiredSet wantsText2 = desired(unit(A, TEXT2, Goal.LAUNCHED, false));

        @Test
        void aRunningUnitIsStoppedFirst() {
            assertEquals(List.of(new Stop(A)), plan(wantsText2, local().installed(A, H1).launched(A, H1).running(A)));
        }

        @Test
        void onceDownItIsRewrittenReloadedAndStarted() {
            assertEquals(List.of(new Write(A, TEXT2, H2), new Link(List.of(A)), new Reload(), new Start(A, H2)),
                    plan(wantsText2, local().installed(A, H1).status(A, "inactive", "dead")));
        }

        @Test
        void aFailedUnitIsRewrittenAndStartedAgain() {
            assertEquals(List.of(new Write(A, TEXT2, H2), new Link(List.of(A)), new Reload(), new Start(A, H2)),
                    plan(wantsText2, local().installed(A, H1).launched(A, H1).status(A, "failed", "failed")));
        }

        @Test
        void whileItsStopRunsNothingHappens() {
            assertEquals(List.of(), plan(wantsText2, local().installed(A, H1).pending(A, JobKind.STOP).status(A, "deactivating", "stop-sigterm")));
        }

        @Test
        void whileItDeactivatesNothingHappens() {
            assertEquals(List.of(), plan(wantsText2, local().installed(A, H1).status(A, "deactivating", "stop-sigterm")));
        }

        @Test
        void aPendingStartOfTheOldTextIsReplacedByAStop() {
            assertEquals(List.of(new Stop(A)), plan(wantsText2, local().installed(A, H1).pending(A, JobKind.START)));
        }

        @Test
        void anEnabledUnitIsDisabledBeforeTheRewriteAndEnabledAfter() {
            assertEquals(List.of(new Disable(List.of(A)), new Write(A, TEXT2, H2), new Link(List.of(A)), new Enable(List.of(A)),
                    new Reload(), new Start(A, H2)), plan(desired(unit(A, TEXT2, Goal.LAUNCHED, true)),
                    local().installed(A, H1).enabled(A).status(A, "inactive", "dead")));
        }

        @Test
        void aChangedLoadedUnitIsRewrittenWithoutStart() {
            assertEquals(List.of(new Write(A, TEXT2, H2), new Link(List.of(A)), new Reload()),
                    plan(desired(unit(A, TEXT2, Goal.LOADED, false)), local().installed(A, H1)));
        }
    }

    @Nested
    class RemovedUnits {
        @Test
        void aRunningUnitIsStoppedFirst() {
            assertEquals(List.of(new Stop(A)), plan(DesiredSet.EMPTY, local().installed(A, H1).launched(A, H1).running(A)));
        }

        @Test
        void onceDownItIsUnlinkedDeletedAndSystemdReloaded() {
            assertEquals(List.of(new Unlink(List.of(A)), new Remove(A), new Reload()),
                    plan(DesiredSet.EMPTY, local().installed(A, H1).status(A, "inactive", "dead")));
        }

        @Test
        void itIsNoLongerCountedAsLaunched() {
            assertEquals(List.of(new Unlink(List.of(A)), new Remove(A), new Reload(), new Forget(A)),
                    plan(DesiredSet.EMPTY, local().installed(A, H1).launched(A, H1)));
        }

        @Test
        void aFailedUnitIsResetSoSystemdForgetsIt() {
            assertEquals(List.of(new ResetFailed(A), new Unlink(List.of(A)), new Remove(A), new Reload()),
                    plan(DesiredSet.EMPTY, local().installed(A, H1).status(A, "failed", "failed")));
        }

        @Test
        void whileItDeactivatesOrItsStopRunsNothingHappens() {
            assertEquals(List.of(), plan(DesiredSet.EMPTY, local().installed(A, H1).status(A, "deactivating", "stop-sigterm")));
            assertEquals(List.of(), plan(DesiredSet.EMPTY, local().installed(A, H1).pending(A, JobKind.STOP)));
        }

        @Test
        void aPendingStartIsReplacedByAStop() {
            assertEquals(List.of(new Stop(A)), plan(DesiredSet.EMPTY, local().installed(A, H1).pending(A, JobKind.START)));
        }

        @Test
        void aFileFoundAtStartThatIsNotWantedIsUnloaded() {
            assertEquals(List.of(new Unlink(List.of(A)), new Remove(A), new Reload()),
                    plan(DesiredSet.EMPTY, local().installed(A, H1).notLinked(A)));
        }
    }

    @Nested
    class UnchangedUnits {
        @Test
        void aRunningUnitFoundAtStartCountsAsLaunched() {
            assertEquals(List.of(new Link(List.of(A)), new MarkLaunched(A, H1)),
                    plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().installed(A, H1).notLinked(A).running(A)));
        }

        @Test
        void aStoppedUnitFoundAtStartIsStarted() {
            assertEquals(List.of(new Start(A, H1)),
                    plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().installed(A, H1).status(A, "inactive", "dead")));
        }

        @Test
        void aLaunchedUnitThatExitedOrFailedIsNotStartedAgain() {
            DesiredSet d = desired(unit(A, TEXT1, Goal.LAUNCHED, false));
            assertEquals(List.of(), plan(d, local().installed(A, H1).launched(A, H1).status(A, "inactive", "dead")));
            assertEquals(List.of(), plan(d, local().installed(A, H1).launched(A, H1).status(A, "failed", "failed")));
        }

        @Test
        void aRunningLaunchedUnitNeedsNothing() {
            assertEquals(List.of(), plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().installed(A, H1).launched(A, H1).running(A)));
        }

        @Test
        void loadedToLaunchedStartsIt() {
            assertEquals(List.of(new Start(A, H1)), plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().installed(A, H1)));
        }

        @Test
        void launchedToLoadedStopsIt() {
            assertEquals(List.of(new Stop(A)), plan(desired(unit(A, TEXT1, Goal.LOADED, false)), local().installed(A, H1).launched(A, H1).running(A)));
        }

        @Test
        void launchedToLoadedStopsAPendingStart() {
            assertEquals(List.of(new Stop(A)), plan(desired(unit(A, TEXT1, Goal.LOADED, false)),
                    local().installed(A, H1).launched(A, H1).pending(A, JobKind.START)));
        }

        @Test
        void launchedToLoadedOfAnExitedUnitOnlyForgetsIt() {
            assertEquals(List.of(new Forget(A)), plan(desired(unit(A, TEXT1, Goal.LOADED, false)), local().installed(A, H1).launched(A, H1)));
        }

        @Test
        void aLoadedUnitPulledInByAnotherIsLeftRunning() {
            assertEquals(List.of(), plan(desired(unit(A, TEXT1, Goal.LOADED, true)), local().installed(A, H1).enabled(A).running(A)));
        }

        @Test
        void aSocketActivatedServiceRunningIsLeftAlone() {
            assertEquals(List.of(), plan(desired(unit(A, TEXT1, Goal.ACTIVATED, false)), local().installed(A, H1).running(A)));
        }

        @Test
        void aBlockedUnitThatRunsIsStopped() {
            assertEquals(List.of(new Stop(A)), plan(desired(unit(A, TEXT1, Goal.BLOCKED, false)), local().installed(A, H1).running(A)));
            assertEquals(List.of(), plan(desired(unit(A, TEXT1, Goal.BLOCKED, false)), local().installed(A, H1)));
        }

        @Test
        void aBlockedUnitLosesItsInstallLinks() {
            assertEquals(List.of(new Disable(List.of(A)), new Reload()),
                    plan(desired(unit(A, TEXT1, Goal.BLOCKED, false)), local().installed(A, H1).enabled(A)));
        }

        @Test
        void aUnitNotLinkedSinceTheAgentStartedIsLinkedWithoutReload() {
            assertEquals(List.of(new Link(List.of(A))),
                    plan(desired(unit(A, TEXT1, Goal.LOADED, false)), local().installed(A, H1).notLinked(A)));
        }

        @Test
        void aUnitNotEnabledYetIsEnabledAndReloaded() {
            assertEquals(List.of(new Enable(List.of(A)), new Reload()),
                    plan(desired(unit(A, TEXT1, Goal.LOADED, true)), local().installed(A, H1)));
        }

        @Test
        void aPendingJobIsWaitedFor() {
            assertEquals(List.of(), plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)), local().installed(A, H1).pending(A, JobKind.STOP)));
            assertEquals(List.of(), plan(desired(unit(A, TEXT1, Goal.LAUNCHED, false)),
                    local().installed(A, H1).launched(A, H1).pending(A, JobKind.START)));
        }
    }

    @Test
    void heldUnitsAreLeftExactlyAsTheyAre() {
        DesiredSet held = new DesiredSet(Map.of(), Set.of(A), new TreeMap<>());
        assertEquals(List.of(), plan(held, local().installed(A, H1).launched(A, H1).running(A)));
        assertEquals(List.of(), plan(held, local()));
    }

    /**
     * Random desired sets and local states: following the plans (with systemd simulated: a stop ends
     * down, a start ends up) always converges to exactly the desired set within a few passes, with at
     * most one reload per pass.
     */
    @Test
    void followingThePlansAlwaysConverges() {
        Random random = new Random(42);
        String[] names = {"a.service", "b.service", "c@.service", "d.socket", "e.service"};
        String[] texts = {TEXT1, TEXT2};
        Goal[] goals = Goal.values();
        for (int round = 0; round < 2000; round++) {
            Map<String, DesiredUnit> want = new HashMap<>();
            Simulated sim = new Simulated();
            for (String n : names) {
                if (random.nextInt(3) > 0) {
                    want.put(n, unit(n, texts[random.nextInt(2)], goals[random.nextInt(goals.length)], random.nextBoolean()));
                }
                if (random.nextBoolean()) {
                    sim.installed.put(n, UnitFile.hashOf(texts[random.nextInt(2)]));
                    if (random.nextBoolean()) {
                        sim.linked.add(n);
                    }
                    if (random.nextBoolean()) {
                        sim.enabled.add(n);
                    }
                    int s = random.nextInt(4);
                    sim.statuses.put(n, s == 0 ? st(n, "active", "running") : s == 1 ? st(n, "failed", "failed")
                            : st(n, "inactive", "dead"));
                    if (random.nextBoolean()) {
                        sim.launched.put(n, sim.installed.get(n));
                    }
                }
            }
            DesiredSet d = new DesiredSet(want, Set.of(), new TreeMap<>());
            int passes = 0;
            while (true) {
                Plan p = Reconciler.plan(d, sim.state());
                assertTrue(p.of(Reload.class).size() <= 1);
                if (p.isEmpty()) {
                    break;
                }
                sim.apply(p);
                assertTrue(++passes <= 4, "round " + round + " did not converge: " + p);
            }
            assertEquals(want.keySet(), sim.installed.keySet(), "round " + round);
            for (DesiredUnit u : want.values()) {
                assertEquals(u.hash(), sim.installed.get(u.name()));
                assertTrue(sim.linked.contains(u.name()), "round " + round + ": not linked " + u);
                assertEquals(u.enable(), sim.enabled.contains(u.name()), "round " + round + " " + u);
                boolean up = LocalState.isUp(sim.statuses.getOrDefault(u.name(), UnitStatus.notFound(u.name())));
                if (u.goal() == Goal.BLOCKED) {
                    assertTrue(!up, "round " + round + ": blocked " + u.name() + " runs");
                }
                if (u.goal() == Goal.LAUNCHED) {
                    assertEquals(u.hash(), sim.launched.get(u.name()), "round " + round);
                }
                if (u.goal() != Goal.LAUNCHED) {
                    assertTrue(!sim.startedThisRound.contains(u.name()), "round " + round + ": started " + u);
                }
            }
        }
    }

    /** systemd and the folder as the plans change them; jobs end at once. */
    static final class Simulated {
        final Map<String, String> installed = new HashMap<>();
        final Set<String> linked = new HashSet<>();
        final Set<String> enabled = new HashSet<>();
        final Map<String, String> launched = new HashMap<>();
        final Map<String, UnitStatus> statuses = new HashMap<>();
        final Set<String> startedThisRound = new HashSet<>();

        LocalState state() {
            return new LocalState(installed, linked, enabled, launched, Map.of(), statuses);
        }

        void apply(Plan plan) {
            for (Action a : plan.actions()) {
                if (a instanceof Stop s) {
                    launched.remove(s.name());
                    statuses.put(s.name(), st(s.name(), "inactive", "dead"));
                } else if (a instanceof ResetFailed r) {
                    statuses.remove(r.name());
                } else if (a instanceof Unlink u) {
                    linked.removeAll(u.names());
                    enabled.removeAll(u.names());
                } else if (a instanceof Remove r) {
                    installed.remove(r.name());
                } else if (a instanceof Disable dis) {
                    enabled.removeAll(dis.names());
                } else if (a instanceof Write w) {
                    installed.put(w.name(), w.hash());
                } else if (a instanceof Link l) {
                    linked.addAll(l.names());
                } else if (a instanceof Enable e) {
                    enabled.addAll(e.names());
                } else if (a instanceof Forget f) {
                    launched.remove(f.name());
                } else if (a instanceof MarkLaunched m) {
                    launched.put(m.name(), m.hash());
                } else if (a instanceof Start s) {
                    assertTrue(linked.contains(s.name()), "started before linked: " + s.name());
                    launched.put(s.name(), s.hash());
                    statuses.put(s.name(), st(s.name(), "active", "running"));
                    startedThisRound.add(s.name());
                }
            }
        }
    }

    @Test
    void planKindsComeInExecutionOrder() {
        // Everything at once: a removal, a rewrite, a new unit, an adoption.
        DesiredSet d = desired(unit("new.service", TEXT1, Goal.LAUNCHED, true), unit("changed.service", TEXT2, Goal.LAUNCHED, false),
                unit("kept.service", TEXT1, Goal.LAUNCHED, false));
        Local l = local().installed("gone.service", H1).status("gone.service", "failed", "failed")
                .installed("changed.service", H1).installed("kept.service", H1).notLinked("kept.service").running("kept.service");
        List<Class<?>> kinds = new ArrayList<>();
        plan(d, l).forEach(a -> kinds.add(a.getClass()));
        assertEquals(List.of(ResetFailed.class, Unlink.class, Remove.class, Write.class, Write.class, Link.class, Enable.class,
                Reload.class, MarkLaunched.class, Start.class, Start.class), kinds);
    }
}
