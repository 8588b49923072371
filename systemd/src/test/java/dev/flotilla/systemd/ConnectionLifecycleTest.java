package dev.flotilla.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flotilla.systemd.ConnectionLifecycle.Effect;
import dev.flotilla.systemd.ConnectionLifecycle.Event;
import dev.flotilla.systemd.ConnectionLifecycle.State;
import dev.flotilla.systemd.ConnectionLifecycle.Transition;

/** Every transition of the connection's lifecycle, with its effects in order. */
class ConnectionLifecycleTest {

    /** A connection stand-in: compared by identity, as Sessions are. */
    private static final class Conn {
        final String name;

        Conn(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);

    private final ConnectionLifecycle<Conn> lifecycle = new ConnectionLifecycle<>(Duration.ofMillis(50), Duration.ofSeconds(2));
    private final Conn a = new Conn("a");
    private final Conn b = new Conn("b");

    private State<Conn> connecting() {
        return ConnectionLifecycle.initial(T0);
    }

    private State<Conn> connected(Conn c) {
        return lifecycle.next(connecting(), new Event.Opened<>(c, Transport.PRIVATE_SOCKET, T0)).state();
    }

    private State<Conn> reconnecting(int failedAttempts) {
        State<Conn> s = lifecycle.next(connected(a), new Event.Lost<>(a, "socket closed", T1)).state();
        for (int i = 0; i < failedAttempts; i++) {
            s = lifecycle.next(s, new Event.AttemptFailed<>("refused")).state();
        }
        return s;
    }

    private State<Conn> closed() {
        return lifecycle.next(connected(a), new Event.Close<>(T2)).state();
    }

    private static void unchanged(State<Conn> before, Transition<Conn> t) {
        assertSame(before, t.state());
        assertEquals(List.of(), t.effects());
    }

    // ---- Connecting ------------------------------------------------------------------------------

    @Test
    void connectingOpenedIsConnectedAndChecksTheConnectionStillLives() {
        Transition<Conn> t = lifecycle.next(connecting(), new Event.Opened<>(a, Transport.SYSTEM_BUS, T1));
        State.Connected<Conn> c = assertInstanceOf(State.Connected.class, t.state());
        assertSame(a, c.session());
        assertEquals(new SystemdConnectionState.Connected(Transport.SYSTEM_BUS, T1), c.view());
        assertEquals(List.of(new Effect.CheckAlive<>(a)), t.effects());
    }

    @Test
    void connectingIgnoresLossRestartAndFailedAttempts() {
        State<Conn> s = connecting();
        unchanged(s, lifecycle.next(s, new Event.Lost<>(a, "dropped", T1)));
        unchanged(s, lifecycle.next(s, new Event.Restarted<>(a)));
        unchanged(s, lifecycle.next(s, new Event.AttemptFailed<>("refused")));
    }

    @Test
    void connectingClosedFailsAllJobsAndTellsClosed() {
        Transition<Conn> t = lifecycle.next(connecting(), new Event.Close<>(T2));
        SystemdConnectionState.Closed view = new SystemdConnectionState.Closed(T2);
        assertEquals(view, t.state().view());
        assertEquals(List.of(new Effect.FailJobs<>(null, "the systemd client was closed"), new Effect.Tell<>(view, false)),
                t.effects());
    }

    // ---- Connected -------------------------------------------------------------------------------

    @Test
    void connectedLossOfTheCurrentConnectionReconnectsAtOnce() {
        Transition<Conn> t = lifecycle.next(connected(a), new Event.Lost<>(a, "socket closed", T1));
        State.Reconnecting<Conn> r = assertInstanceOf(State.Reconnecting.class, t.state());
        assertEquals(new SystemdConnectionState.Reconnecting(T1, "socket closed"), r.view());
        assertEquals(0, r.attempts());
        assertEquals(List.of(new Effect.MarkDead<>(a), new Effect.Reconnect<>(0, a),
                new Effect.FailJobs<>(a, "connection to systemd lost before the job ended (socket closed); re-read the unit state"),
                new Effect.Tell<>(r.view(), false)), t.effects());
    }

    @Test
    void connectedIgnoresTheLossOrRestartOfAnOldConnection() {
        State<Conn> s = connected(a);
        unchanged(s, lifecycle.next(s, new Event.Lost<>(b, "old one dropped", T1)));
        unchanged(s, lifecycle.next(s, new Event.Restarted<>(b)));
        unchanged(s, lifecycle.next(s, new Event.AttemptFailed<>("late")));
    }

    @Test
    void connectedRestartOfSystemdResubscribesFailsItsJobsAndResyncs() {
        State<Conn> s = connected(a);
        Transition<Conn> t = lifecycle.next(s, new Event.Restarted<>(a));
        assertSame(s, t.state());
        assertEquals(List.of(new Effect.Resubscribe<>(a),
                new Effect.FailJobs<>(a, "systemd re-executed before the job ended; re-read the unit state"),
                new Effect.Tell<>(null, true)), t.effects());
    }

    @Test
    void connectedClosesASecondConnectionThatOpened() {
        State<Conn> s = connected(a);
        Transition<Conn> t = lifecycle.next(s, new Event.Opened<>(b, Transport.PRIVATE_SOCKET, T1));
        assertSame(s, t.state());
        assertEquals(List.of(new Effect.Close<>(b)), t.effects());
    }

    @Test
    void connectedClosedClosesTheConnectionFailsAllJobsAndTellsClosed() {
        Transition<Conn> t = lifecycle.next(connected(a), new Event.Close<>(T2));
        SystemdConnectionState.Closed view = new SystemdConnectionState.Closed(T2);
        assertEquals(view, t.state().view());
        assertEquals(List.of(new Effect.Close<>(a), new Effect.FailJobs<>(null, "the systemd client was closed"),
                new Effect.Tell<>(view, false)), t.effects());
    }

    // ---- Reconnecting ----------------------------------------------------------------------------

    @Test
    void reconnectingOpenedIsConnectedTellsAndResyncs() {
        Transition<Conn> t = lifecycle.next(reconnecting(3), new Event.Opened<>(b, Transport.PRIVATE_SOCKET, T2));
        State.Connected<Conn> c = assertInstanceOf(State.Connected.class, t.state());
        assertSame(b, c.session());
        assertEquals(List.of(new Effect.Tell<>(new SystemdConnectionState.Connected(Transport.PRIVATE_SOCKET, T2), true),
                new Effect.CheckAlive<>(b)), t.effects());
    }

    @Test
    void reconnectingFailedAttemptsBackOffDoublingUpToTheMaximum() {
        State<Conn> s = reconnecting(0);
        SystemdConnectionState since = s.view();
        long[] expected = {100, 200, 400, 800, 1600, 2000, 2000};
        for (long delay : expected) {
            Transition<Conn> t = lifecycle.next(s, new Event.AttemptFailed<>("refused"));
            assertEquals(List.of(new Effect.Reconnect<Conn>(delay, null)), t.effects());
            assertEquals(since, t.state().view(), "the cause and since of the loss stay");
            assertEquals(((State.Reconnecting<Conn>) s).attempts() + 1, ((State.Reconnecting<Conn>) t.state()).attempts());
            s = t.state();
        }
        assertEquals(2000, lifecycle.backoff(1_000), "no overflow for many attempts");
    }

    @Test
    void reconnectingIgnoresTheLostConnectionsLateNews() {
        State<Conn> s = reconnecting(1);
        unchanged(s, lifecycle.next(s, new Event.Lost<>(a, "again", T2)));
        unchanged(s, lifecycle.next(s, new Event.Restarted<>(a)));
    }

    @Test
    void reconnectingClosedFailsAllJobsAndTellsClosed() {
        Transition<Conn> t = lifecycle.next(reconnecting(2), new Event.Close<>(T2));
        SystemdConnectionState.Closed view = new SystemdConnectionState.Closed(T2);
        assertEquals(view, t.state().view());
        assertEquals(List.of(new Effect.FailJobs<>(null, "the systemd client was closed"), new Effect.Tell<>(view, false)),
                t.effects());
    }

    // ---- Closed ----------------------------------------------------------------------------------

    @Test
    void closedIsTerminalAndClosesAConnectionThatOpenedLate() {
        State<Conn> s = closed();
        Transition<Conn> t = lifecycle.next(s, new Event.Opened<>(b, Transport.PRIVATE_SOCKET, T2));
        assertSame(s, t.state());
        assertEquals(List.of(new Effect.Close<>(b)), t.effects());
        unchanged(s, lifecycle.next(s, new Event.Lost<>(a, "dropped", T2)));
        unchanged(s, lifecycle.next(s, new Event.Restarted<>(a)));
        unchanged(s, lifecycle.next(s, new Event.AttemptFailed<>("refused")));
        unchanged(s, lifecycle.next(s, new Event.Close<>(T2)));
    }

    @Test
    void theViewOfEachState() {
        assertInstanceOf(SystemdConnectionState.Reconnecting.class, connecting().view());
        assertTrue(connected(a).view() instanceof SystemdConnectionState.Connected c && c.transport() == Transport.PRIVATE_SOCKET);
        assertEquals(new SystemdConnectionState.Reconnecting(T1, "socket closed"), reconnecting(2).view());
        assertEquals(new SystemdConnectionState.Closed(T2), closed().view());
    }
}
