package dev.flotilla.systemd;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The life of the client's connection to systemd as a pure transition function: (state, event) ->
 * (state, effects). {@link ReconnectingSession} feeds it the events and carries out the effects; it
 * holds no I/O, no clock and no threads, so every transition is tested alone.
 *
 * <p>{@code S} is the connection (a {@link Session}; anything in tests), compared by identity: an
 * event about a connection that is no longer the current one changes nothing.
 */
final class ConnectionLifecycle<S> {

    /** Where the connection stands; {@link #view()} is what {@link Systemd#connectionState()} reports. */
    sealed interface State<S> {
        SystemdConnectionState view();

        /** Before the first connection is installed (never seen from outside: open() fails instead). */
        record Connecting<S>(Instant since) implements State<S> {
            @Override
            public SystemdConnectionState view() {
                return new SystemdConnectionState.Reconnecting(since, "not connected yet");
            }
        }

        record Connected<S>(S session, SystemdConnectionState.Connected view) implements State<S> {
        }

        /** {@code attempts}: failed reconnect attempts since the loss. */
        record Reconnecting<S>(SystemdConnectionState.Reconnecting view, int attempts) implements State<S> {
        }

        record Closed<S>(SystemdConnectionState.Closed view) implements State<S> {
        }
    }

    sealed interface Event<S> {
        /** A connection was opened (first connect or a reconnect attempt that worked). */
        record Opened<S>(S session, Transport transport, Instant at) implements Event<S> {
        }

        /** The connection dropped or a call found it dead. */
        record Lost<S>(S session, String cause, Instant at) implements Event<S> {
        }

        /** A reconnect attempt failed ({@code reason} is for the log). */
        record AttemptFailed<S>(String reason) implements Event<S> {
        }

        /** System bus: systemd got a new bus name (re-executed or restarted); the connection itself lives. */
        record Restarted<S>(S session) implements Event<S> {
        }

        record Close<S>(Instant at) implements Event<S> {
        }
    }

    sealed interface Effect<S> {
        /** Ignore the connection's late signals and replies from now on. */
        record MarkDead<S>(S session) implements Effect<S> {
        }

        /** Try to reconnect after {@code delayMillis}, then close {@code retire} (null: none) on that thread. */
        record Reconnect<S>(long delayMillis, S retire) implements Effect<S> {
        }

        /** Close this connection now. */
        record Close<S>(S session) implements Effect<S> {
        }

        /** Subscribe again on the connection (systemd usually kept the subscription). */
        record Resubscribe<S>(S session) implements Effect<S> {
        }

        /** Fail the pending jobs of {@code session} (null: of every connection) with {@code message}. */
        record FailJobs<S>(S session, String message) implements Effect<S> {
        }

        /**
         * On the event thread, in this order: forget the tracked unit states if {@code resync}, tell
         * the listeners {@code changed} (null: no change to tell), then call their resync() if {@code resync}.
         */
        record Tell<S>(SystemdConnectionState changed, boolean resync) implements Effect<S> {
        }

        /** A drop between opening and installing the connection was ignored: check it still lives. */
        record CheckAlive<S>(S session) implements Effect<S> {
        }
    }

    record Transition<S>(State<S> state, List<Effect<S>> effects) {
        Transition {
            Objects.requireNonNull(state, "state");
            effects = List.copyOf(effects);
        }
    }

    private final long minDelayMillis;
    private final long maxDelayMillis;

    ConnectionLifecycle(Duration reconnectMinDelay, Duration reconnectMaxDelay) {
        this.minDelayMillis = reconnectMinDelay.toMillis();
        this.maxDelayMillis = reconnectMaxDelay.toMillis();
    }

    static <S> State<S> initial(Instant now) {
        return new State.Connecting<>(now);
    }

    /** The delay before the next attempt after {@code attempt} failed ones: doubling from min, capped at max. */
    long backoff(int attempt) {
        return Math.min(maxDelayMillis, minDelayMillis << Math.min(attempt, 20));
    }

    Transition<S> next(State<S> state, Event<S> event) {
        if (state instanceof State.Closed<S>) {
            // Terminal; a connection that opened anyway is closed at once.
            return event instanceof Event.Opened<S> o ? stay(state, new Effect.Close<>(o.session())) : stay(state);
        }
        if (event instanceof Event.Close<S> c) {
            return close(state, c.at());
        }
        if (state instanceof State.Connected<S> c) {
            return fromConnected(c, event);
        }
        if (state instanceof State.Reconnecting<S> r) {
            return fromReconnecting(r, event);
        }
        // Connecting: a loss before the connection is installed is found by CheckAlive.
        return event instanceof Event.Opened<S> o
                ? new Transition<>(connected(o), List.of(new Effect.CheckAlive<>(o.session())))
                : stay(state);
    }

    private Transition<S> fromConnected(State.Connected<S> state, Event<S> event) {
        S current = state.session();
        if (event instanceof Event.Lost<S> l && l.session() == current) {
            var next = new State.Reconnecting<S>(new SystemdConnectionState.Reconnecting(l.at(), l.cause()), 0);
            // Reconnect first: closing the dead connection may wait for dbus-java's threads.
            return new Transition<>(next, List.of(new Effect.MarkDead<>(current), new Effect.Reconnect<>(0, current),
                    new Effect.FailJobs<>(current, "connection to systemd lost before the job ended ("
                            + l.cause() + "); re-read the unit state"),
                    new Effect.Tell<>(next.view(), false)));
        }
        if (event instanceof Event.Restarted<S> r && r.session() == current) {
            return stay(state, new Effect.Resubscribe<>(current),
                    new Effect.FailJobs<>(current, "systemd re-executed before the job ended; re-read the unit state"),
                    new Effect.Tell<>(null, true));
        }
        if (event instanceof Event.Opened<S> o) {
            return stay(state, new Effect.Close<>(o.session())); // one connection at a time
        }
        return stay(state); // about an old connection, or no attempt running
    }

    private Transition<S> fromReconnecting(State.Reconnecting<S> state, Event<S> event) {
        if (event instanceof Event.Opened<S> o) {
            var next = connected(o);
            return new Transition<>(next, List.of(new Effect.Tell<>(next.view(), true), new Effect.CheckAlive<>(o.session())));
        }
        if (event instanceof Event.AttemptFailed<S>) {
            int attempts = state.attempts() + 1;
            return new Transition<>(new State.Reconnecting<>(state.view(), attempts),
                    List.of(new Effect.Reconnect<>(backoff(attempts), null)));
        }
        return stay(state); // the lost connection's late news
    }

    private Transition<S> close(State<S> state, Instant at) {
        List<Effect<S>> effects = new ArrayList<>();
        if (state instanceof State.Connected<S> c) {
            effects.add(new Effect.Close<>(c.session()));
        }
        effects.add(new Effect.FailJobs<>(null, "the systemd client was closed"));
        var next = new State.Closed<S>(new SystemdConnectionState.Closed(at));
        effects.add(new Effect.Tell<>(next.view(), false));
        return new Transition<>(next, effects);
    }

    private static <S> State.Connected<S> connected(Event.Opened<S> o) {
        return new State.Connected<>(o.session(), new SystemdConnectionState.Connected(o.transport(), o.at()));
    }

    @SafeVarargs
    private static <S> Transition<S> stay(State<S> state, Effect<S>... effects) {
        return new Transition<>(state, List.of(effects));
    }
}
