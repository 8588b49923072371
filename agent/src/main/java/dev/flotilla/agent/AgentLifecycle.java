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
import dev.flotilla.registry.MachinePresence;

import java.util.List;

/**
 * The agent's lifecycle as a pure function: (mode, event) to the next mode and the effects to carry
 * out, in order. No I/O here; {@link DefaultAgent} feeds the events in and does the effects.
 *
 * <p>A presence-only agent ({@code runsUnits} false) registers and follows its lease, and nothing else:
 * no watches, no publisher, no units to stop.
 */
final class AgentLifecycle {

    /** The next mode, and what to do to get there. */
    record Transition(AgentMode mode, List<AgentEffect> effects) {
        static Transition stay(AgentMode mode) {
            return new Transition(mode, List.of());
        }
    }

    /** Closing without units to stop: the same steps as the end of a clean shutdown, minus the unloading. */
    private static final List<AgentEffect> LEAVE = List.of(new StopMembership(), new RemoveStates(), new ClosePublisher(),
            new Deregister(), new CloseSystemdWatch(), new StopLoop());

    private final boolean runsUnits;

    AgentLifecycle(boolean runsUnits) {
        this.runsUnits = runsUnits;
    }

    /**
     * @throws IllegalStateException for a start of an agent that is not {@link Idle}
     */
    Transition next(AgentMode mode, AgentEvent event) {
        if (event instanceof StartRequested) {
            if (!(mode instanceof Idle)) {
                throw new IllegalStateException("the agent was already started");
            }
            return Transition.stay(new Registering());
        }
        if (event instanceof RegistrationFailed) {
            return mode instanceof Registering ? Transition.stay(new Idle()) : Transition.stay(mode);
        }
        if (event instanceof FirstRegistered first) {
            if (!(mode instanceof Registering)) {
                return Transition.stay(mode); // closed while registering
            }
            if (!runsUnits) {
                return Transition.stay(new Running(first.presence()));
            }
            return new Transition(new Listing(first.presence(), Listed.NONE), List.of(new AttachPublisher(first.presence()),
                    new ListAssignments(), new FollowUnits(), new RequestPass()));
        }
        if (event instanceof AssignmentsListed || event instanceof GlobalsListed) {
            boolean assignments = event instanceof AssignmentsListed;
            if (mode instanceof Listing l) {
                Listed now = listed(l.listed(), assignments);
                return Transition.stay(now.all() ? new Running(l.presence()) : new Listing(l.presence(), now));
            }
            if (mode instanceof Suspended s) {
                return Transition.stay(new Suspended(s.lost(), listed(s.listed(), assignments)));
            }
            return Transition.stay(mode); // Running: a watch listing again after a reconnect changes nothing
        }
        if (event instanceof PresenceChanged changed) {
            if (changed.state() != ConnectionState.LOST || changed.presence() != registered(mode)) {
                return Transition.stay(mode); // SUSPENDED/CONNECTED, or the LOST of an earlier registration
            }
            return new Transition(new Suspended(changed.presence(), listedOf(mode)), List.of(new DetachPublisher()));
        }
        if (event instanceof LeaseGained gained) {
            if (!(mode instanceof Listing || mode instanceof Running || mode instanceof Suspended)) {
                return Transition.stay(mode);
            }
            MachinePresence p = gained.presence();
            if (!runsUnits) {
                return Transition.stay(new Running(p));
            }
            Listed listed = listedOf(mode);
            if (gained.resumed()) {
                // The cluster never saw the machine leave: carry on with what is listed.
                return new Transition(listed.all() ? new Running(p) : new Listing(p, listed),
                        List.of(new AttachPublisher(p), new RequestPass()));
            }
            // A new lease: the cluster saw the machine leave and may have moved its units. List the
            // assignments anew; the passes after that stop what moved away, and leave the rest running.
            return new Transition(new Listing(p, new Listed(false, listed.globals())),
                    List.of(new ListAssignments(), new AttachPublisher(p), new RequestPass()));
        }
        if (event instanceof CloseRequested) {
            if (mode.ending()) {
                return Transition.stay(mode);
            }
            if (runsUnits && (mode instanceof Listing || mode instanceof Running || mode instanceof Suspended)) {
                return new Transition(new Closing(), List.of(new StopMembership(), new CloseWatches(), new StopUnits()));
            }
            return new Transition(new Closed(), LEAVE);
        }
        if (event instanceof UnitsStopped) {
            if (!(mode instanceof Closing)) {
                return Transition.stay(mode);
            }
            return new Transition(new Closed(), List.of(new UnloadUnits(), new RemoveStates(), new ClosePublisher(),
                    new Deregister(), new CloseSystemdWatch(), new StopLoop()));
        }
        if (event instanceof HaltRequested) {
            if (mode.ending()) {
                return Transition.stay(mode);
            }
            return new Transition(new Closed(), List.of(new StopMembership(), new ClosePublisher(), new CloseSystemdWatch(),
                    new CloseWatches(), new StopLoop()));
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    /** The registration a mode holds, null if none. */
    private static MachinePresence registered(AgentMode mode) {
        if (mode instanceof Listing l) {
            return l.presence();
        }
        if (mode instanceof Running r) {
            return r.presence();
        }
        return null; // Suspended: its presence is lost already
    }

    private static Listed listedOf(AgentMode mode) {
        if (mode instanceof Listing l) {
            return l.listed();
        }
        if (mode instanceof Suspended s) {
            return s.listed();
        }
        return new Listed(true, true); // Running
    }

    private static Listed listed(Listed before, boolean assignments) {
        return assignments ? new Listed(true, before.globals()) : new Listed(before.assignments(), true);
    }
}
