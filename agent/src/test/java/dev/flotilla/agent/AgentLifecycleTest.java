package dev.flotilla.agent;

import dev.flotilla.agent.AgentEffect.AttachPublisher;
import dev.flotilla.agent.AgentEffect.CloseSystemdWatch;
import dev.flotilla.agent.AgentEffect.ClosePublisher;
import dev.flotilla.agent.AgentEffect.CloseWatches;
import dev.flotilla.agent.AgentEffect.Deregister;
import dev.flotilla.agent.AgentEffect.DetachPublisher;
import dev.flotilla.agent.AgentEffect.FollowUnits;
import dev.flotilla.agent.AgentEffect.ListAssignments;
import dev.flotilla.agent.AgentEffect.RemoveStates;
import dev.flotilla.agent.AgentEffect.RequestPass;
import dev.flotilla.agent.AgentEffect.StopLoop;
import dev.flotilla.agent.AgentEffect.StopMembership;
import dev.flotilla.agent.AgentEffect.StopUnits;
import dev.flotilla.agent.AgentEffect.UnloadUnits;
import dev.flotilla.agent.AgentEvent.AssignmentsListed;
import dev.flotilla.agent.AgentEvent.CloseRequested;
import dev.flotilla.agent.AgentEvent.FirstRegistered;
import dev.flotilla.agent.AgentEvent.GlobalsListed;
import dev.flotilla.agent.AgentEvent.HaltRequested;
import dev.flotilla.agent.AgentEvent.LeaseGained;
import dev.flotilla.agent.AgentEvent.PresenceChanged;
import dev.flotilla.agent.AgentEvent.RegistrationFailed;
import dev.flotilla.agent.AgentEvent.StartRequested;
import dev.flotilla.agent.AgentEvent.UnitsStopped;
import dev.flotilla.agent.AgentMode.Closed;
import dev.flotilla.agent.AgentMode.Closing;
import dev.flotilla.agent.AgentMode.Idle;
import dev.flotilla.agent.AgentMode.Listed;
import dev.flotilla.agent.AgentMode.Listing;
import dev.flotilla.agent.AgentMode.Registering;
import dev.flotilla.agent.AgentMode.Running;
import dev.flotilla.agent.AgentMode.Suspended;
import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every transition of {@link AgentLifecycle}, as a table; every (mode, event) pair the table does not
 * list must leave the mode as it is and do nothing (a start of an agent not idle is refused). No etcd,
 * no systemd.
 */
class AgentLifecycleTest {

    /** A registration as the lifecycle sees it: an identity, nothing more. */
    private record Presence(String name) implements MachinePresence {
        @Override
        public Machine machine() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long leaseId() {
            return 0;
        }

        @Override
        public boolean resumed() {
            throw new UnsupportedOperationException("the lifecycle takes resumed from the event");
        }

        @Override
        public ConnectionState state() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onStateChange(Consumer<ConnectionState> listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void update(Machine machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            throw new UnsupportedOperationException();
        }
    }

    private static final MachinePresence P0 = new Presence("an earlier registration");
    private static final MachinePresence P1 = new Presence("the current registration");
    private static final MachinePresence P2 = new Presence("a registration after a lost one");

    private static final Listed NONE = Listed.NONE;
    private static final Listed ASSIGNMENTS = new Listed(true, false);
    private static final Listed GLOBALS = new Listed(false, true);
    private static final Listed ALL = new Listed(true, true);

    private static final List<AgentEffect> LEAVE = List.of(new StopMembership(), new RemoveStates(), new ClosePublisher(),
            new Deregister(), new CloseSystemdWatch(), new StopLoop());
    private static final List<AgentEffect> HALT = List.of(new StopMembership(), new ClosePublisher(), new CloseSystemdWatch(),
            new CloseWatches(), new StopLoop());
    private static final List<AgentEffect> STOP = List.of(new StopMembership(), new CloseWatches(), new StopUnits());
    private static final List<AgentEffect> UNLOAD_AND_LEAVE = List.of(new UnloadUnits(), new RemoveStates(),
            new ClosePublisher(), new Deregister(), new CloseSystemdWatch(), new StopLoop());

    private static final List<AgentMode> MODES = List.of(new Idle(), new Registering(), new Listing(P1, NONE),
            new Listing(P1, ASSIGNMENTS), new Listing(P1, GLOBALS), new Running(P1), new Suspended(P1, NONE),
            new Suspended(P1, ASSIGNMENTS), new Suspended(P1, GLOBALS), new Suspended(P1, ALL), new Closing(), new Closed());
    /** A presence-only agent never lists anything: these are the modes it can be in. */
    private static final List<AgentMode> PRESENCE_ONLY_MODES = List.of(new Idle(), new Registering(), new Running(P1),
            new Suspended(P1, ALL), new Closed());
    private static final List<AgentEvent> EVENTS = List.of(new StartRequested(), new RegistrationFailed(),
            new FirstRegistered(P1), new AssignmentsListed(), new GlobalsListed(),
            new PresenceChanged(P1, ConnectionState.LOST), new PresenceChanged(P1, ConnectionState.SUSPENDED),
            new PresenceChanged(P1, ConnectionState.CONNECTED), new PresenceChanged(P0, ConnectionState.LOST),
            new LeaseGained(P2, true), new LeaseGained(P2, false), new CloseRequested(), new UnitsStopped(),
            new HaltRequested());

    private record Row(boolean runsUnits, AgentMode from, AgentEvent event, AgentMode to, List<AgentEffect> effects) {
    }

    private static Row units(AgentMode from, AgentEvent event, AgentMode to, AgentEffect... effects) {
        return new Row(true, from, event, to, List.of(effects));
    }

    private static Row units(AgentMode from, AgentEvent event, AgentMode to, List<AgentEffect> effects) {
        return new Row(true, from, event, to, effects);
    }

    private static Row presenceOnly(AgentMode from, AgentEvent event, AgentMode to, List<AgentEffect> effects) {
        return new Row(false, from, event, to, effects);
    }

    private static final List<Row> TABLE = table();

    private static List<Row> table() {
        List<Row> t = new ArrayList<>();
        AgentEvent lost = new PresenceChanged(P1, ConnectionState.LOST);
        AgentEvent resumed = new LeaseGained(P2, true);
        AgentEvent fresh = new LeaseGained(P2, false);
        for (boolean runsUnits : new boolean[]{true, false}) {
            t.add(new Row(runsUnits, new Idle(), new StartRequested(), new Registering(), List.of()));
            t.add(new Row(runsUnits, new Registering(), new RegistrationFailed(), new Idle(), List.of()));
            t.add(new Row(runsUnits, new Idle(), new CloseRequested(), new Closed(), LEAVE));
            t.add(new Row(runsUnits, new Registering(), new CloseRequested(), new Closed(), LEAVE));
        }
        // registered: the watches open, no pass until both listings are in
        t.add(units(new Registering(), new FirstRegistered(P1), new Listing(P1, NONE),
                new AttachPublisher(P1), new ListAssignments(), new FollowUnits(), new RequestPass()));
        t.add(units(new Listing(P1, NONE), new AssignmentsListed(), new Listing(P1, ASSIGNMENTS)));
        t.add(units(new Listing(P1, NONE), new GlobalsListed(), new Listing(P1, GLOBALS)));
        t.add(units(new Listing(P1, ASSIGNMENTS), new AssignmentsListed(), new Listing(P1, ASSIGNMENTS)));
        t.add(units(new Listing(P1, GLOBALS), new GlobalsListed(), new Listing(P1, GLOBALS)));
        t.add(units(new Listing(P1, ASSIGNMENTS), new GlobalsListed(), new Running(P1)));
        t.add(units(new Listing(P1, GLOBALS), new AssignmentsListed(), new Running(P1)));
        // listings go on while suspended (the watches stay open)
        t.add(units(new Suspended(P1, NONE), new AssignmentsListed(), new Suspended(P1, ASSIGNMENTS)));
        t.add(units(new Suspended(P1, NONE), new GlobalsListed(), new Suspended(P1, GLOBALS)));
        t.add(units(new Suspended(P1, GLOBALS), new AssignmentsListed(), new Suspended(P1, ALL)));
        t.add(units(new Suspended(P1, ASSIGNMENTS), new GlobalsListed(), new Suspended(P1, ALL)));
        // the lease lost: freeze, stop publishing
        for (Listed l : List.of(NONE, ASSIGNMENTS, GLOBALS)) {
            t.add(units(new Listing(P1, l), lost, new Suspended(P1, l), new DetachPublisher()));
        }
        t.add(units(new Running(P1), lost, new Suspended(P1, ALL), new DetachPublisher()));
        // registered again: resumed carries on; a new lease lists the assignments anew
        for (AgentMode from : List.of(new Listing(P1, NONE), new Listing(P1, ASSIGNMENTS), new Listing(P1, GLOBALS),
                new Running(P1), new Suspended(P1, NONE), new Suspended(P1, ASSIGNMENTS), new Suspended(P1, GLOBALS),
                new Suspended(P1, ALL))) {
            Listed l = from instanceof Listing li ? li.listed() : from instanceof Suspended s ? s.listed() : ALL;
            t.add(units(from, resumed, l.all() ? new Running(P2) : new Listing(P2, l), new AttachPublisher(P2), new RequestPass()));
            t.add(units(from, fresh, new Listing(P2, new Listed(false, l.globals())),
                    new ListAssignments(), new AttachPublisher(P2), new RequestPass()));
            t.add(units(from, new CloseRequested(), new Closing(), STOP));
            t.add(units(from, new HaltRequested(), new Closed(), HALT));
        }
        t.add(units(new Closing(), new UnitsStopped(), new Closed(), UNLOAD_AND_LEAVE));
        for (AgentMode from : List.of(new Idle(), new Registering())) {
            t.add(units(from, new HaltRequested(), new Closed(), HALT));
        }
        // presence only: registration and nothing else
        t.add(presenceOnly(new Registering(), new FirstRegistered(P1), new Running(P1), List.of()));
        t.add(presenceOnly(new Running(P1), lost, new Suspended(P1, ALL), List.of(new DetachPublisher())));
        for (AgentMode from : List.of(new Running(P1), new Suspended(P1, ALL))) {
            t.add(presenceOnly(from, resumed, new Running(P2), List.of()));
            t.add(presenceOnly(from, fresh, new Running(P2), List.of()));
            t.add(presenceOnly(from, new CloseRequested(), new Closed(), LEAVE));
        }
        for (AgentMode from : List.of(new Idle(), new Registering(), new Running(P1), new Suspended(P1, ALL))) {
            t.add(presenceOnly(from, new HaltRequested(), new Closed(), HALT));
        }
        return t;
    }

    @Test
    void everyTransitionOfTheTable() {
        for (Row row : TABLE) {
            AgentLifecycle.Transition t = new AgentLifecycle(row.runsUnits()).next(row.from(), row.event());
            String what = (row.runsUnits() ? "" : "presence only: ") + row.from() + " + " + row.event();
            assertEquals(row.to(), t.mode(), what);
            assertEquals(row.effects(), t.effects(), what);
        }
    }

    @Test
    void everyOtherPairLeavesTheModeAndDoesNothing() {
        int checked = 0;
        for (boolean runsUnits : new boolean[]{true, false}) {
            Set<List<Object>> listed = new HashSet<>();
            TABLE.stream().filter(r -> r.runsUnits() == runsUnits).forEach(r -> listed.add(List.of(r.from(), r.event())));
            AgentLifecycle lifecycle = new AgentLifecycle(runsUnits);
            for (AgentMode mode : runsUnits ? MODES : PRESENCE_ONLY_MODES) {
                for (AgentEvent event : EVENTS) {
                    if (listed.contains(List.of(mode, event))) {
                        continue;
                    }
                    String what = (runsUnits ? "" : "presence only: ") + mode + " + " + event;
                    if (event instanceof StartRequested) {
                        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lifecycle.next(mode, event), what);
                        assertEquals("the agent was already started", e.getMessage());
                    } else {
                        assertEquals(AgentLifecycle.Transition.stay(mode), lifecycle.next(mode, event), what);
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 100, "pairs checked: " + checked);
    }

    @Test
    void passesRunOnlyWhenRunning() {
        for (AgentMode mode : MODES) {
            assertEquals(mode instanceof Running, mode.passes(), mode.toString());
            assertEquals(mode instanceof Closing || mode instanceof Closed, mode.ending(), mode.toString());
        }
    }

    @Test
    void aLeaseLostAndRenewedListsTheAssignmentsAgainBeforeAnyPass() {
        AgentLifecycle lifecycle = new AgentLifecycle(true);
        List<AgentEffect> done = new ArrayList<>();
        AgentMode mode = new Idle();
        for (AgentEvent e : List.of(new StartRequested(), new FirstRegistered(P1), new GlobalsListed(), new AssignmentsListed(),
                new PresenceChanged(P1, ConnectionState.LOST), new LeaseGained(P2, false))) {
            AgentLifecycle.Transition t = lifecycle.next(mode, e);
            mode = t.mode();
            done.addAll(t.effects());
        }
        assertEquals(new Listing(P2, GLOBALS), mode);
        assertFalse(mode.passes(), "no pass on the old listing: it would keep what the cluster moved away");
        mode = lifecycle.next(mode, new AssignmentsListed()).mode();
        assertEquals(new Running(P2), mode);
        assertEquals(2, done.stream().filter(ListAssignments.class::isInstance).count(), done.toString());
    }
}
