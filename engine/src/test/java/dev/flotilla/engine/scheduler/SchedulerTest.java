package dev.flotilla.engine.scheduler;

import static dev.flotilla.engine.scheduler.SnapshotBuilder.assign_;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.md;
import static dev.flotilla.engine.scheduler.SnapshotBuilder.unassign;
import static dev.flotilla.engine.scheduler.Constraints.NONE;
import static dev.flotilla.engine.scheduler.Decision.Reason.CONFLICT;
import static dev.flotilla.engine.scheduler.Decision.Reason.CONSTRAINTS_UNMET;
import static dev.flotilla.engine.scheduler.Decision.Reason.GLOBAL;
import static dev.flotilla.engine.scheduler.Decision.Reason.INACTIVE;
import static dev.flotilla.engine.scheduler.Decision.Reason.MACHINE_GONE;
import static dev.flotilla.engine.scheduler.Decision.Reason.PEER_MOVED;
import static dev.flotilla.engine.scheduler.Decision.Reason.REPLACED;
import static dev.flotilla.engine.scheduler.Decision.Reason.UNIT_REMOVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private static final String M1 = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final String M2 = "0a1b2c3d99999999999999999999999a";
    private static final String M3 = "7f000000000000000000000000000001";

    @Nested
    class LeastLoaded {

        @Test
        void spreadsUnitsEvenlyInNameOrderWithTiesBrokenByMachineId() {
            SnapshotBuilder c = SnapshotBuilder.of("m2", "m1", "m3");
            for (String u : List.of("f", "e", "d", "c", "b", "a")) {
                c.unit(u + ".service");
            }
            Decisions d = c.schedule();
            assertEquals(List.of(
                    assign_("a.service", "m1"), assign_("b.service", "m2"), assign_("c.service", "m3"),
                    assign_("d.service", "m1"), assign_("e.service", "m2"), assign_("f.service", "m3")), d.decisions());
            assertTrue(d.waiting().isEmpty());
        }

        @Test
        void machineIdsCompareAsText() {
            Decisions d = SnapshotBuilder.of("m2", "m10").unit("a.service").schedule();
            assertEquals(List.of(assign_("a.service", "m10")), d.decisions());
        }

        @Test
        void existingUnitsCount() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3")
                    .on("m1", "x.service").on("m1", "y.service").on("m2", "z.service")
                    .unit("new1.service").unit("new2.service");
            assertEquals(List.of(assign_("new1.service", "m3"), assign_("new2.service", "m2")), c.schedule().decisions());
        }

        @Test
        void inactiveUnitsDoNotCount() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2")
                    .unit("idle.service", WantedState.INACTIVE, NONE)
                    .on("m2", "busy.service")
                    .unit("new.service");
            assertEquals(List.of(assign_("new.service", "m1")), c.schedule().decisions());
        }

        @Test
        void loadedUnitsArePlacedLikeLaunchedOnes() {
            Decisions d = SnapshotBuilder.of("m1").unit("a.service", WantedState.LOADED, NONE).schedule();
            assertEquals(List.of(assign_("a.service", "m1")), d.decisions());
        }

        @Test
        void noMachinesMeansEveryoneWaits() {
            Decisions d = new SnapshotBuilder().unit("a.service").schedule();
            assertTrue(d.isEmpty());
            assertEquals(Map.of("a.service", "no machines in the cluster"), d.waiting());
        }
    }

    @Nested
    class Globals {

        @Test
        void countTowardsLoadOnEveryMachineTheyMatch() {
            SnapshotBuilder c = new SnapshotBuilder()
                    .machine("m1", "role=web").machine("m2", "role=web").machine("m3", "role=db")
                    .unit("agent.service", NONE.asGlobal().withMetadata(md("role=web")))
                    .unit("a.service").unit("b.service");
            // m3 is empty; m1 and m2 each run the global, so both new units avoid them while they can.
            Decisions d = c.schedule();
            assertEquals(List.of(assign_("a.service", "m3"), assign_("b.service", "m1")), d.decisions());
        }

        @Test
        void areNeverAssignedAndAreUnassignedIfTheyWere() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2")
                    .unit("g.service", NONE.asGlobal())
                    .unit("was-plain.service", NONE.asGlobal()).assign("was-plain.service", "m1");
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("was-plain.service", "m1", GLOBAL)), d.decisions());
            assertTrue(d.waiting().isEmpty(), "globals never wait");
        }

        @Test
        void inactiveGlobalsDoNotCount() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2")
                    .unit("g.service", WantedState.INACTIVE, NONE.asGlobal().withMetadata(md("x=y")))
                    .on("m2", "busy.service")
                    .unit("g2.service", WantedState.INACTIVE, NONE.asGlobal())
                    .unit("new.service");
            assertEquals(List.of(assign_("new.service", "m1")), c.schedule().decisions());
        }

        @Test
        void aNewUnitAvoidsMachinesRunningAConflictingGlobal() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "role=web").machine("m2", "role=db")
                    .unit("web-agent.service", NONE.asGlobal().withMetadata(md("role=web")))
                    .unit("batch.service", NONE.withConflicts("web-*"));
            assertEquals(List.of(assign_("batch.service", "m2")), c.schedule().decisions());
        }

        @Test
        void aConflictingGlobalOnEveryMachineMakesTheUnitWait() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2")
                    .unit("monitor.service", NONE.asGlobal().withConflicts("batch*"))
                    .unit("batch.service");
            Decisions d = c.schedule();
            assertTrue(d.isEmpty());
            assertEquals("conflicts with monitor.service on every candidate machine", d.waiting().get("batch.service"));
        }

        @Test
        void aUnitAlreadyThereStaysWhenAConflictingGlobalArrives() {
            SnapshotBuilder c = SnapshotBuilder.of("m1").on("m1", "batch.service")
                    .unit("monitor.service", NONE.asGlobal().withConflicts("batch*"));
            assertTrue(c.schedule().isEmpty());
        }

        @Test
        void machineOfAGlobalUnitGoesWhereTheGlobalRuns() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1").machine("m2", "gpu=yes")
                    .unit("driver.service", NONE.asGlobal().withMetadata(md("gpu=yes")))
                    .unit("job.service", NONE.withMachineOf("driver.service"));
            assertEquals(List.of(assign_("job.service", "m2")), c.schedule().decisions());

            Decisions none = new SnapshotBuilder().machine("m1")
                    .unit("driver.service", NONE.asGlobal().withMetadata(md("gpu=yes")))
                    .unit("job.service", NONE.withMachineOf("driver.service")).schedule();
            assertEquals("no machine runs its global MachineOf peer driver.service", none.waiting().get("job.service"));
        }
    }

    @Nested
    class Inactive {

        @Test
        void assignedInactiveUnitsAreUnassignedAndDoNotWait() {
            SnapshotBuilder c = SnapshotBuilder.of("m1")
                    .on("m1", "stay.service")
                    .unit("gone.service", WantedState.INACTIVE, NONE).assign("gone.service", "m1")
                    .unit("never.service", WantedState.INACTIVE, NONE);
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("gone.service", "m1", INACTIVE)), d.decisions());
            assertTrue(d.waiting().isEmpty());
        }

        @Test
        void assignmentsOfUnitsThatNoLongerExistAreDropped() {
            SnapshotBuilder c = SnapshotBuilder.of("m1").assign("destroyed.service", "m1").assign("also.service", "vanished");
            assertEquals(List.of(unassign("also.service", "vanished", UNIT_REMOVED),
                    unassign("destroyed.service", "m1", UNIT_REMOVED)), c.schedule().decisions());
        }
    }

    @Nested
    class Sticky {

        @Test
        void aMachineJoiningChangesNothingForPlacedUnits() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2");
            for (int i = 0; i < 6; i++) {
                c.unit("u" + i + ".service");
            }
            c.step();
            c.machine("m0").machine("m9");
            Decisions d = c.schedule();
            assertTrue(d.isEmpty(), d.toString());
            assertTrue(d.waiting().isEmpty());

            // Only a newcomer uses the new machines.
            c.unit("late.service");
            assertEquals(List.of(assign_("late.service", "m0")), c.schedule().decisions());
        }

        @Test
        void anUnevenClusterIsNotRebalanced() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m1", "a.service").on("m1", "b.service").on("m1", "c.service");
            assertTrue(c.schedule().isEmpty());
        }

        @Test
        void aUnitMovesWhenItsMachineNoLongerMatchesItsMetadata() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "disk=hdd").machine("m2", "disk=ssd")
                    .on("m1", "db.service", NONE.withMetadata(md("disk=hdd")))
                    .on("m1", "web.service");
            assertTrue(c.schedule().isEmpty());

            c.machines.set(0, new MachineView("m1", Map.of("disk", "ssd")));
            c.machines.set(1, new MachineView("m2", Map.of("disk", "hdd")));
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("db.service", "m1", CONSTRAINTS_UNMET), assign_("db.service", "m2")),
                    d.decisions());
        }

        @Test
        void twoUnitsFoundConflictingOnOneMachineSplitUp() {
            // E.g. a.service was replaced with a version that declares Conflicts=b*.
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2")
                    .on("m1", "a.service", NONE.withConflicts("b*"))
                    .on("m1", "b.service");
            assertEquals(List.of(unassign("b.service", "m1", CONFLICT), assign_("b.service", "m2")),
                    c.schedule().decisions());
        }
    }

    /** RescheduleOnFailure=: the engine names the machines a unit failed on; the scheduler keeps it off them. */
    @Nested
    class AvoidedMachines {

        @Test
        void aUnitOnAMachineItMustAvoidMovesToTheLeastLoadedOther() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3")
                    .on("m1", "a.service", NONE.withAvoid(Set.of("m1")))
                    .on("m2", "b.service");
            assertEquals(List.of(unassign("a.service", "m1", Decision.Reason.FAILED), assign_("a.service", "m3")),
                    c.schedule().decisions());
        }

        @Test
        void aNewUnitIsNotPlacedOnAnAvoidedMachineEvenIfItIsTheLeastLoaded() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m2", "b.service")
                    .unit("a.service", NONE.withAvoid(Set.of("m1")));
            assertEquals(List.of(assign_("a.service", "m2")), c.schedule().decisions());
        }

        @Test
        void whenEveryFittingMachineIsAvoidedTheUnitWaitsSayingWhy() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "disk=ssd").machine("m2", "disk=ssd")
                    .machine("m3", "disk=hdd")
                    .on("m2", "a.service", NONE.withMetadata(md("disk=ssd")).withAvoid(Set.of("m1", "m2")));
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("a.service", "m2", Decision.Reason.FAILED)), d.decisions());
            assertEquals("it failed there (RescheduleOnFailure=) on every candidate machine", d.waiting().get("a.service"));
        }
    }

    @Nested
    class VanishedMachine {

        @Test
        void itsUnitsAreReassignedInTheSamePass() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3")
                    .on("m1", "a.service").on("m2", "b.service").on("m3", "c.service").on("m3", "d.service")
                    .on("m2", "e.service");
            c.without("m3");
            Decisions d = c.schedule();
            assertEquals(List.of(
                    unassign("c.service", "m3", MACHINE_GONE), unassign("d.service", "m3", MACHINE_GONE),
                    assign_("c.service", "m1"), assign_("d.service", "m1")), d.decisions());
            assertTrue(d.waiting().isEmpty());
            assertEquals(Map.of("a.service", "m1", "b.service", "m2", "c.service", "m1", "d.service", "m1",
                    "e.service", "m2"), d.applyTo(c.assignments));
        }

        @Test
        void aUnitThatFitsNowhereElseIsUnassignedAndWaits() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "disk=ssd").machine("m2", "disk=hdd")
                    .on("m1", "db.service", NONE.withMetadata(md("disk=ssd")));
            c.without("m1");
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("db.service", "m1", MACHINE_GONE)), d.decisions());
            assertEquals("no machine matches MachineMetadata disk=ssd", d.waiting().get("db.service"));
        }

        @Test
        void theLastMachineGoingLeavesEveryoneWaiting() {
            SnapshotBuilder c = SnapshotBuilder.of("m1").on("m1", "a.service");
            c.without("m1");
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("a.service", "m1", MACHINE_GONE)), d.decisions());
            assertEquals("no machines in the cluster", d.waiting().get("a.service"));
        }
    }

    @Nested
    class MachineId {

        @Test
        void aFullIdPinsTheUnitEvenToTheBusiestMachine() {
            SnapshotBuilder c = SnapshotBuilder.of(M1, M2, M3).on(M3, "x.service").on(M3, "y.service")
                    .unit("pinned.service", NONE.withMachineId(M3));
            assertEquals(List.of(assign_("pinned.service", M3)), c.schedule().decisions());
        }

        @Test
        void anEightCharacterPrefixIsEnoughWhenItIsUnique() {
            Decisions d = SnapshotBuilder.of(M1, M2, M3).unit("p.service", NONE.withMachineId("7f000000")).schedule();
            assertEquals(List.of(assign_("p.service", M3)), d.decisions());
            Decisions longer = SnapshotBuilder.of(M1, M2, M3).unit("p.service", NONE.withMachineId("0a1b2c3d4e")).schedule();
            assertEquals(List.of(assign_("p.service", M1)), longer.decisions());
        }

        @Test
        void anAmbiguousPrefixWaits() {
            Decisions d = SnapshotBuilder.of(M1, M2, M3).unit("p.service", NONE.withMachineId("0a1b2c3d")).schedule();
            assertTrue(d.isEmpty());
            assertEquals("MachineID 0a1b2c3d is ambiguous: machines " + M1 + " and " + M2 + " both start with it",
                    d.waiting().get("p.service"));
        }

        @Test
        void aPrefixShorterThanEightCharactersIsNotAnId() {
            Decisions d = SnapshotBuilder.of(M1, M2, M3).unit("p.service", NONE.withMachineId("7f00")).schedule();
            assertTrue(d.isEmpty());
            assertEquals("MachineID 7f00 matches no machine in the cluster (a shortened id needs at least 8 characters)",
                    d.waiting().get("p.service"));
        }

        @Test
        void aUnitPlacedByPrefixStaysWhenANewMachineMakesThePrefixAmbiguous() {
            SnapshotBuilder c = SnapshotBuilder.of(M1).on(M1, "p.service", NONE.withMachineId("0a1b2c3d"));
            assertTrue(c.schedule().isEmpty());
            c.machine(M2);
            Decisions d = c.schedule();
            assertTrue(d.isEmpty(), d.toString());
            assertTrue(d.waiting().isEmpty());
        }

        @Test
        void anUnknownIdWaits() {
            Decisions d = SnapshotBuilder.of(M1).unit("p.service", NONE.withMachineId("ffffffffffffffffffffffffffffffff")).schedule();
            assertEquals("MachineID ffffffffffffffffffffffffffffffff matches no machine in the cluster",
                    d.waiting().get("p.service"));
        }

        @Test
        void aUnitOnTheWrongMachineMovesToItsMachine() {
            SnapshotBuilder c = SnapshotBuilder.of(M1, M3).on(M1, "p.service", NONE.withMachineId(M3));
            assertEquals(List.of(unassign("p.service", M1, CONSTRAINTS_UNMET), assign_("p.service", M3)),
                    c.schedule().decisions());
        }

        @Test
        void itsMachineMayStillRefuseIt() {
            SnapshotBuilder c = new SnapshotBuilder().machine(M1, "disk=hdd")
                    .unit("p.service", NONE.withMachineId(M1).withMetadata(md("disk=ssd")));
            assertEquals("its MachineID machine " + M1 + " does not match MachineMetadata disk=ssd",
                    c.schedule().waiting().get("p.service"));
        }
    }

    @Nested
    class Metadata {

        private SnapshotBuilder cluster() {
            return new SnapshotBuilder()
                    .machine("m1", "region=us", "disk=ssd")
                    .machine("m2", "region=eu", "disk=ssd")
                    .machine("m3", "region=eu", "disk=hdd")
                    .machine("m4", "region=ap");
        }

        private Set<String> machinesAccepting(MetadataRule rule) {
            Set<String> out = new HashSet<>();
            for (MachineView m : cluster().machines) {
                if (rule.matches(m.metadata())) {
                    out.add(m.id());
                }
            }
            return out;
        }

        @Test
        void equalsPicksMatchingMachinesOnly() {
            assertEquals(Set.of("m2", "m3"), machinesAccepting(md("region=eu")));
            Decisions d = cluster().on("m2", "busy.service").unit("a.service", NONE.withMetadata(md("region=eu"))).schedule();
            assertEquals(List.of(assign_("a.service", "m3")), d.decisions());
        }

        @Test
        void valuesOfTheSameKeyAreOred() {
            assertEquals(Set.of("m1", "m4"), machinesAccepting(md("region=us", "region=ap")));
        }

        @Test
        void differentKeysAreAnded() {
            assertEquals(Set.of("m2"), machinesAccepting(md("region=eu", "disk=ssd")));
            assertEquals(Set.of("m1", "m2"), machinesAccepting(md("region=eu", "region=us", "disk=ssd")));
        }

        @Test
        void aMachineLackingTheKeyFailsEquals() {
            assertEquals(Set.of("m1", "m2"), machinesAccepting(md("disk=ssd")));
        }

        @Test
        void notEqualsExcludesButAMachineLackingTheKeyPasses() {
            assertEquals(Set.of("m1", "m2", "m4"), machinesAccepting(md("disk!=hdd")));
            assertEquals(Set.of("m4"), machinesAccepting(md("disk!=hdd", "disk!=ssd")));
            assertEquals(Set.of("m2"), machinesAccepting(md("region=eu", "disk!=hdd")));
        }

        @Test
        void noMatchingMachineGivesASpecificReason() {
            Decisions d = cluster().unit("a.service", NONE.withMetadata(md("region=mars", "disk!=hdd"))).schedule();
            assertTrue(d.isEmpty());
            assertEquals("no machine matches MachineMetadata region=mars disk!=hdd", d.waiting().get("a.service"));
        }

        @Test
        void anyRuleFromTheEngineWorksToo() {
            MetadataRule custom = m -> m.getOrDefault("region", "").startsWith("a");
            Decisions d = cluster().unit("a.service", NONE.withMetadata(custom)).schedule();
            assertEquals(List.of(assign_("a.service", "m4")), d.decisions());
        }

        @Test
        void aKeyWithoutValuesIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> MetadataRule.of(Map.of("k", List.of()), Map.of()));
        }
    }

    @Nested
    class Conflicts {

        @Test
        void fiveConflictingUnitsOnThreeMachinesGiveThreePlacedOnDistinctMachines() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3");
            for (int i = 0; i < 5; i++) {
                c.unit("conflict." + i + ".service", NONE.withConflicts("conflict*"));
            }
            Decisions d = c.schedule();
            Map<String, String> placed = d.applyTo(Map.of());
            assertEquals(3, placed.size());
            assertEquals(3, new HashSet<>(placed.values()).size());
            assertEquals(Set.of("conflict.3.service", "conflict.4.service"), d.waiting().keySet());
            assertEquals("conflicts with conflict.0.service, conflict.1.service, conflict.2.service on every candidate machine",
                    d.waiting().get("conflict.3.service"));
        }

        @Test
        void aOneWayConflictKeepsBothUnitsApartWhicheverComesFirst() {
            // Only a.service declares the conflict; b.service knows nothing about it.
            Constraints aConflictsB = NONE.withConflicts("b.service");
            Decisions fresh = SnapshotBuilder.of("m1", "m2").unit("a.service", aConflictsB).unit("b.service").schedule();
            Map<String, String> placed = fresh.applyTo(Map.of());
            assertEquals(2, new HashSet<>(placed.values()).size());

            // b first on the only free machine: a may not join it.
            Decisions d = SnapshotBuilder.of("m1").on("m1", "b.service").unit("a.service", aConflictsB).schedule();
            assertEquals("conflicts with b.service on every candidate machine", d.waiting().get("a.service"));
            // a first: b may not join it, although b declares nothing.
            Decisions e = SnapshotBuilder.of("m1").on("m1", "a.service", aConflictsB).unit("b.service").schedule();
            assertEquals("conflicts with a.service on every candidate machine", e.waiting().get("b.service"));
        }

        @Test
        void severalPatternsOnOneLineAllCount() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3", "m4")
                    .on("m1", "web.service").on("m2", "db.service").on("m3", "cache.service")
                    .unit("batch.service", NONE.withConflicts("web*", "db*", "cache.?ervice"));
            assertEquals(List.of(assign_("batch.service", "m4")), c.schedule().decisions());

            c.without("m4");
            Decisions d = c.schedule();
            assertEquals("conflicts with cache.service, db.service, web.service on every candidate machine",
                    d.waiting().get("batch.service"));
        }

        @Test
        void unitsPlacedEarlierInThePassCount() {
            Decisions d = SnapshotBuilder.of("m1").unit("a.service", NONE.withConflicts("b.service")).unit("b.service").schedule();
            assertEquals(List.of(assign_("a.service", "m1")), d.decisions());
            assertEquals("conflicts with a.service on every candidate machine", d.waiting().get("b.service"));
        }

        @Test
        void aUnitNeverConflictsWithItself() {
            Decisions d = SnapshotBuilder.of("m1").unit("web.1.service", NONE.withConflicts("web.*")).schedule();
            assertEquals(List.of(assign_("web.1.service", "m1")), d.decisions());
        }

        @Test
        void mixedObstaclesAreListedWithTheirCounts() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3")
                    .on("m1", "web.service").on("m2", "web2.service")
                    .on("m3", "boss.service", NONE.withReplaces("batch*"))
                    .unit("batch.service", NONE.withConflicts("web*"));
            assertEquals("no candidate machine fits: conflicts with web.service, web2.service on 2 machines; "
                    + "replaced by boss.service on 1 machine", c.schedule().waiting().get("batch.service"));
        }
    }

    @Nested
    class Replaces {

        @Test
        void fleetsScenarioTheReplacedUnitMovesAway() {
            // fleet's functional TestScheduleReplace: replace.0 alone on m0, replace.1 and its follower on m1;
            // kick0 replaces replace.0 and lands on the least loaded machine, m0, pushing replace.0 to m1.
            SnapshotBuilder c = SnapshotBuilder.of("m0", "m1")
                    .on("m0", "replace.0.service")
                    .on("m1", "replace.1.service")
                    .on("m1", "replace.2.service", NONE.withMachineOf("replace.1.service"))
                    .unit("replace-kick0.service", NONE.withReplaces("replace.0.service"));
            Decisions d = c.schedule();
            assertEquals(List.of(
                    unassign("replace.0.service", "m0", REPLACED),
                    assign_("replace-kick0.service", "m0"),
                    assign_("replace.0.service", "m1")), d.decisions());
            assertTrue(d.waiting().isEmpty());
        }

        @Test
        void theReplacerIsPlacedLikeAnyUnitNotDrawnToItsVictim() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m1", "old.service").on("m1", "other.service")
                    .unit("new.service", NONE.withReplaces("old*"));
            assertEquals(List.of(assign_("new.service", "m2")), c.schedule().decisions());
        }

        @Test
        void theReplacedUnitKeepsItsOwnConstraints() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "disk=ssd").machine("m2", "disk=hdd").machine("m3", "disk=ssd")
                    .on("m1", "db.service", NONE.withMetadata(md("disk=ssd")))
                    .on("m2", "x.service").on("m3", "y.service").on("m3", "z.service")
                    .unit("db2.service", NONE.withReplaces("db.service").withMachineId("m1"));
            Decisions d = c.schedule();
            // Least loaded would be m2, but db.service needs an ssd: m3.
            assertEquals(List.of(unassign("db.service", "m1", REPLACED),
                    assign_("db.service", "m3"), assign_("db2.service", "m1")), d.decisions());
        }

        @Test
        void aReplacedUnitWithNowhereToGoWaits() {
            SnapshotBuilder c = SnapshotBuilder.of("m1").on("m1", "old.service").unit("new.service", NONE.withReplaces("old.service"));
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("old.service", "m1", REPLACED), assign_("new.service", "m1")), d.decisions());
            assertEquals("replaced by new.service on every candidate machine", d.waiting().get("old.service"));
        }

        @Test
        void aNewReplacerWinsTheMachineOverANewVictimWhateverTheirNames() {
            Decisions d = SnapshotBuilder.of("m1").unit("a-old.service").unit("z-new.service", NONE.withReplaces("a-old*"))
                    .schedule();
            assertEquals(List.of(assign_("z-new.service", "m1")), d.decisions());
            assertEquals("replaced by z-new.service on every candidate machine", d.waiting().get("a-old.service"));
        }

        @Test
        void followersOfTheReplacedUnitMoveWithIt() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2")
                    .on("m1", "db.service")
                    .on("m1", "db-backup.service", NONE.withMachineOf("db.service"))
                    .on("m2", "web.service").on("m2", "web2.service")
                    .unit("db-new.service", NONE.withReplaces("db.service").withMachineId("m1"));
            Decisions d = c.schedule();
            assertEquals(List.of(
                    unassign("db-backup.service", "m1", PEER_MOVED), unassign("db.service", "m1", REPLACED),
                    assign_("db-backup.service", "m2"), assign_("db-new.service", "m1"), assign_("db.service", "m2")),
                    d.decisions());
        }

        @Test
        void mutualReplacesPlaceExactlyOneDeterministically() {
            Constraints aReplacesB = NONE.withReplaces("b.service");
            Constraints bReplacesA = NONE.withReplaces("a.service");
            Decisions d = SnapshotBuilder.of("m1", "m2").unit("b.service", bReplacesA).unit("a.service", aReplacesB).schedule();
            assertEquals(List.of(assign_("a.service", "m1")), d.decisions());
            assertEquals("replaced by a.service: the two replace each other, so only one of them is scheduled",
                    d.waiting().get("b.service"));

            // The one already running keeps running, whatever the names.
            SnapshotBuilder running = SnapshotBuilder.of("m1", "m2").on("m2", "b.service", bReplacesA).unit("a.service", aReplacesB);
            Decisions e = running.schedule();
            assertTrue(e.isEmpty());
            assertEquals(Set.of("a.service"), e.waiting().keySet());

            // Both assigned (an inconsistent record): the smaller name stays.
            SnapshotBuilder both = SnapshotBuilder.of("m1", "m2").on("m1", "a.service", aReplacesB).on("m2", "b.service", bReplacesA);
            assertEquals(List.of(unassign("b.service", "m2", REPLACED)), both.schedule().decisions());
        }

        @Test
        void aReplacerDoesNotPushOffAUnitPlacedEarlierInThePass() {
            // x.service (depth 0) is placed on the only machine; r.service follows p.service (depth 1)
            // and replaces x.service: it may not push x off again, so it waits.
            SnapshotBuilder c = SnapshotBuilder.of("m1")
                    .unit("p.service")
                    .unit("x.service")
                    .unit("r.service", NONE.withMachineOf("p.service").withReplaces("x.service"));
            Decisions d = c.schedule();
            assertEquals(List.of(assign_("p.service", "m1"), assign_("x.service", "m1")), d.decisions());
            assertEquals("would replace x.service, placed in this pass, on machine m1 of its MachineOf peer p.service",
                    d.waiting().get("r.service"));
        }

        @Test
        void aReplacedUnitStaysAwayFromItsReplacer() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m1", "new.service", NONE.withReplaces("old*"))
                    .unit("old.service");
            assertEquals(List.of(assign_("old.service", "m2")), c.schedule().decisions());
        }
    }

    @Nested
    class MachineOf {

        @Test
        void theFollowerJoinsItsPeerEvenOnABusyMachine() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m1", "db.service").on("m1", "x.service")
                    .unit("a-sidekick.service", NONE.withMachineOf("db.service"));
            assertEquals(List.of(assign_("a-sidekick.service", "m1")), c.schedule().decisions());
        }

        @Test
        void peersArePlacedBeforeFollowersWhateverTheNames() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3").on("m1", "x.service")
                    .unit("a.service", NONE.withMachineOf("b.service"))
                    .unit("b.service", NONE.withMachineOf("c.service"))
                    .unit("c.service");
            Decisions d = c.schedule();
            assertEquals(List.of(assign_("a.service", "m2"), assign_("b.service", "m2"), assign_("c.service", "m2")),
                    d.decisions());
        }

        @Test
        void aFollowerWaitsForAPeerThatCannotBePlaced() {
            SnapshotBuilder c = SnapshotBuilder.of("m1")
                    .unit("db.service", NONE.withMetadata(md("disk=ssd")))
                    .unit("sidekick.service", NONE.withMachineOf("db.service"));
            Decisions d = c.schedule();
            assertEquals("waiting for MachineOf peer db.service to be scheduled", d.waiting().get("sidekick.service"));
            assertEquals("no machine matches MachineMetadata disk=ssd", d.waiting().get("db.service"));
        }

        @Test
        void aFollowerOfAnInactivePeerWaits() {
            Decisions d = SnapshotBuilder.of("m1").unit("db.service", WantedState.INACTIVE, NONE)
                    .unit("sidekick.service", NONE.withMachineOf("db.service")).schedule();
            assertEquals("waiting for MachineOf peer db.service to be scheduled (it is inactive)",
                    d.waiting().get("sidekick.service"));
        }

        @Test
        void aFollowerOfAnUnknownPeerWaits() {
            SnapshotBuilder c = SnapshotBuilder.of("m1").on("m1", "sidekick.service", NONE.withMachineOf("nope.service"));
            Decisions d = c.schedule();
            assertEquals(List.of(unassign("sidekick.service", "m1", PEER_MOVED)), d.decisions());
            assertEquals("MachineOf peer nope.service is not a known unit", d.waiting().get("sidekick.service"));
        }

        @Test
        void whenThePeerMovesItsFollowersMoveInTheSamePass() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2", "m3")
                    .on("m1", "db.service")
                    .on("m1", "db-log.service", NONE.withMachineOf("db.service"))
                    .on("m1", "db-log-ship.service", NONE.withMachineOf("db-log.service"))
                    .on("m2", "x.service").on("m2", "y.service").on("m3", "z.service");
            c.without("m1");
            Decisions d = c.schedule();
            assertEquals(List.of(
                    unassign("db-log-ship.service", "m1", MACHINE_GONE), unassign("db-log.service", "m1", MACHINE_GONE),
                    unassign("db.service", "m1", MACHINE_GONE),
                    assign_("db-log-ship.service", "m3"), assign_("db-log.service", "m3"), assign_("db.service", "m3")),
                    d.decisions());
        }

        @Test
        void aFollowerLeftOnALiveMachineFollowsItsMovedPeer() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "disk=ssd").machine("m2", "disk=ssd")
                    .on("m1", "db.service", NONE.withMetadata(md("disk=ssd")))
                    .on("m1", "db-log.service", NONE.withMachineOf("db.service"));
            c.machines.set(0, new MachineView("m1", Map.of("disk", "hdd")));
            Decisions d = c.schedule();
            assertEquals(List.of(
                    unassign("db-log.service", "m1", PEER_MOVED), unassign("db.service", "m1", CONSTRAINTS_UNMET),
                    assign_("db-log.service", "m2"), assign_("db.service", "m2")), d.decisions());
        }

        @Test
        void aFollowerThatCannotJoinItsPeerSaysWhy() {
            SnapshotBuilder c = new SnapshotBuilder().machine("m1", "disk=hdd")
                    .on("m1", "db.service")
                    .unit("sidekick.service", NONE.withMachineOf("db.service").withMetadata(md("disk=ssd")));
            assertEquals("machine m1 of its MachineOf peer db.service does not match MachineMetadata disk=ssd",
                    c.schedule().waiting().get("sidekick.service"));
        }

        @Test
        void peersOnDifferentMachinesLeaveTheFollowerWaiting() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m1", "a.service").on("m2", "b.service")
                    .unit("c.service", NONE.withMachineOf("a.service", "b.service"));
            assertEquals("MachineOf peers a.service and b.service are on different machines",
                    c.schedule().waiting().get("c.service"));
        }

        @Test
        void aCycleWaitsAndWhatFollowsItWaitsForItsPeer() {
            SnapshotBuilder c = SnapshotBuilder.of("m1")
                    .unit("a.service", NONE.withMachineOf("b.service"))
                    .unit("b.service", NONE.withMachineOf("a.service"))
                    .unit("c.service", NONE.withMachineOf("a.service"));
            Decisions d = c.schedule();
            assertTrue(d.isEmpty());
            assertEquals("its MachineOf peers form a cycle", d.waiting().get("a.service"));
            assertEquals("its MachineOf peers form a cycle", d.waiting().get("b.service"));
            assertEquals("waiting for MachineOf peer a.service to be scheduled", d.waiting().get("c.service"));
        }
    }

    @Nested
    class Output {

        @Test
        void unassignsComeBeforeAssignsSoNoMachineEverHoldsBothSides() {
            SnapshotBuilder c = SnapshotBuilder.of("m1", "m2").on("m1", "z-old.service").on("m2", "x.service")
                    .unit("a-new.service", NONE.withReplaces("z-old*").withMachineId("m1"));
            List<Decision> d = c.schedule().decisions();
            assertTrue(d.get(0) instanceof Decision.Unassign, d.toString());
            assertFalse(d.get(d.size() - 1) instanceof Decision.Unassign, d.toString());
        }

        @Test
        void theSameSnapshotInAnyOrderGivesTheSameDecisions() {
            SnapshotBuilder c = new SnapshotBuilder();
            Random rnd = new Random(7);
            for (int i = 0; i < 12; i++) {
                c.machine(String.format("%032x", rnd.nextLong() & Long.MAX_VALUE), "zone=" + (i % 3));
            }
            for (int i = 0; i < 80; i++) {
                Constraints k = switch (i % 8) {
                    case 0 -> NONE.withConflicts("grp" + (i % 3) + "-*");
                    case 1 -> NONE.withMachineOf("u" + (i - 1) + ".service");
                    case 2 -> NONE.withMetadata(md("zone=" + (i % 3)));
                    case 3 -> NONE.withReplaces("u" + (i + 7) + ".service");
                    default -> NONE;
                };
                c.unit((i % 8 == 0 ? "grp" + (i % 3) + "-" : "u") + i + ".service", k);
            }
            Decisions first = c.schedule();
            for (int round = 0; round < 5; round++) {
                Collections.shuffle(c.machines, rnd);
                Collections.shuffle(c.units, rnd);
                assertEquals(first, c.schedule());
            }
            assertFalse(first.isEmpty());
        }

        @Test
        void decisionsAreValuesAndApplyCleanly() {
            Decisions d = SnapshotBuilder.of("m1").on("m1", "a.service").unit("b.service").schedule();
            Map<String, String> before = new HashMap<>(Map.of("a.service", "m1"));
            assertEquals(Map.of("a.service", "m1", "b.service", "m1"), d.applyTo(before));
            assertEquals(Map.of("a.service", "m1"), before, "applyTo does not touch its argument");
            assertThrows(UnsupportedOperationException.class, () -> d.waiting().put("x", "y"));
        }

        @Test
        void aSnapshotRefusesDuplicates() {
            assertThrows(IllegalArgumentException.class,
                    () -> new ClusterSnapshot(List.of(new MachineView("m1"), new MachineView("m1")), List.of(), Map.of()));
            UnitView u = new UnitView("a.service", WantedState.LAUNCHED, NONE);
            assertThrows(IllegalArgumentException.class, () -> new ClusterSnapshot(List.of(), List.of(u, u), Map.of()));
        }

        @Test
        void theLeastLoadedIndexDoesNotSortPerUnit() {
            // 200 machines, 2,000 plain units: every placement takes the first machine of the index,
            // so the result is a perfect round robin in machine-id order.
            SnapshotBuilder c = new SnapshotBuilder();
            for (int i = 0; i < 200; i++) {
                c.machine(String.format("m%03d", i));
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                names.add(String.format("u%04d.service", i));
                c.unit(names.get(i));
            }
            Map<String, String> placed = c.schedule().applyTo(Map.of());
            for (int i = 0; i < 2000; i++) {
                assertEquals(String.format("m%03d", i % 200), placed.get(names.get(i)));
            }
            assertNull(c.schedule().waiting().get("u0000.service"));
        }
    }
}
