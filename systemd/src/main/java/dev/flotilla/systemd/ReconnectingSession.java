package dev.flotilla.systemd;

import static dev.flotilla.systemd.SystemdException.reason;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.security.auth.module.UnixSystem;

import dev.flotilla.systemd.ConnectionLifecycle.Effect;
import dev.flotilla.systemd.ConnectionLifecycle.Event;
import dev.flotilla.systemd.ConnectionLifecycle.State;
import dev.flotilla.systemd.ConnectionLifecycle.Transition;

/**
 * The connection to systemd, re-opened by itself after it drops: opens {@link Session}s (with a
 * deadline, on the transport the options name), hands out the live one, and runs the
 * {@link ConnectionLifecycle} with its effects. One "reconnect" thread of its own opens new
 * connections; the states' listeners are told through {@link Watchers} (on the client's event thread).
 */
final class ReconnectingSession implements Session.Link {

    /** Where the lifecycle's news go: the client's listeners, on its event thread. */
    interface Watchers {
        /** As {@link Effect.Tell}: forget tracked states if resync, tell {@code changed} (if not null), then resync. */
        void tell(SystemdConnectionState changed, boolean resync);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Systemd.class);

    private final SystemdOptions options;
    private final Session.Signals signals;
    private final JobTracker jobs;
    private final Watchers watchers;
    private final ConnectionLifecycle<Session> lifecycle;
    private final ScheduledExecutorService reconnector;
    private final AtomicLong generations = new AtomicLong();

    private final Object lock = new Object();
    /** Guarded by lock; waiters on lock are woken whenever it changes. */
    private State<Session> state = ConnectionLifecycle.initial(Instant.now());

    ReconnectingSession(SystemdOptions options, Session.Signals signals, JobTracker jobs, Watchers watchers) {
        this.options = options;
        this.signals = signals;
        this.jobs = jobs;
        this.watchers = watchers;
        this.lifecycle = new ConnectionLifecycle<>(options.reconnectMinDelay(), options.reconnectMaxDelay());
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotilla-systemd-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the first connection (fail fast); afterwards it is re-opened by itself. */
    void connect() throws Exception {
        Session s;
        try {
            s = openSession();
        } catch (Exception e) {
            reconnector.shutdownNow();
            throw e;
        }
        handle(new Event.Opened<>(s, s.transport, Instant.now()));
    }

    SystemdConnectionState state() {
        synchronized (lock) {
            return state.view();
        }
    }

    /** Whether a connection is live now (no waiting). */
    boolean isConnected() {
        synchronized (lock) {
            return state instanceof State.Connected;
        }
    }

    /** The live session, waiting up to {@code awaitReconnect} while reconnecting. */
    Session await(String what) {
        long deadline = System.nanoTime() + options.awaitReconnect().toNanos();
        synchronized (lock) {
            while (true) {
                if (state instanceof State.Closed) {
                    throw new SystemdException.Unavailable(what + ": the systemd client is closed", null);
                }
                if (state instanceof State.Connected<Session> c) {
                    return c.session();
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    String cause = state instanceof State.Reconnecting<Session> r ? r.view().cause() : "not connected";
                    throw new SystemdException.Unavailable(what + ": not connected to systemd (" + cause + ")", null);
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SystemdException.Unavailable(what + ": interrupted while waiting for systemd", e);
                }
            }
        }
    }

    /** {@code s} broke (found by a call, or dbus-java told us): once per connection, it is replaced. */
    void lost(Session s, String cause) {
        handle(new Event.Lost<>(s, cause, Instant.now()));
    }

    @Override
    public void disconnected(Session s, String cause) {
        // Never close on the caller's thread (an effect of this): it may be dbus-java's reader thread
        // inside its own disconnect handling. The effects only schedule the closing.
        lost(s, cause);
    }

    @Override
    public void systemdRestarted(Session s) {
        // On the reconnect thread, as a reconnect: re-subscribing is a call, and this is a signal thread.
        schedule(() -> handle(new Event.Restarted<>(s)), 0);
    }

    /** Closes for good; false if it was closed already. Pending jobs fail; the listeners hear Closed. */
    boolean close() {
        Transition<Session> t;
        synchronized (lock) {
            if (state instanceof State.Closed) {
                return false;
            }
            t = apply(new Event.Close<>(Instant.now()));
        }
        reconnector.shutdownNow();
        run(t.effects());
        return true;
    }

    // ---- the lifecycle ---------------------------------------------------------------------------

    private void handle(Event<Session> event) {
        State<Session> before;
        Transition<Session> t;
        synchronized (lock) {
            before = state;
            t = apply(event);
        }
        log(before, event, t);
        run(t.effects());
    }

    /** Under lock. */
    private Transition<Session> apply(Event<Session> event) {
        Transition<Session> t = lifecycle.next(state, event);
        if (t.state() != state) {
            state = t.state();
            lock.notifyAll();
        }
        return t;
    }

    private void log(State<Session> before, Event<Session> event, Transition<Session> t) {
        State<Session> after = t.state();
        if (before instanceof State.Connecting && after instanceof State.Connected<Session> c) {
            LOG.info("connected to systemd {} via {}", versionOf(c.session()), describe(c.session().transport));
        } else if (before instanceof State.Reconnecting<Session> r && after instanceof State.Connected<Session> c) {
            LOG.info("reconnected to systemd {} via {} after {} ms ({} attempt(s))", versionOf(c.session()),
                    describe(c.session().transport), Duration.between(r.view().since(), c.view().since()).toMillis(),
                    r.attempts() + 1);
        } else if (before instanceof State.Connected<Session> c && after instanceof State.Reconnecting<Session> r) {
            LOG.warn("lost the systemd connection ({}): {}; reconnecting", describe(c.session().transport), r.view().cause());
        } else if (event instanceof Event.AttemptFailed<Session> f && after instanceof State.Reconnecting<Session> r) {
            LOG.debug("reconnect attempt failed: {}; next in {} ms", f.reason(), lifecycle.backoff(r.attempts()));
        } else if (event instanceof Event.Restarted && !t.effects().isEmpty()) {
            LOG.info("systemd got a new bus name (re-executed or restarted); resyncing");
        }
    }

    private void run(List<Effect<Session>> effects) {
        for (Effect<Session> e : effects) {
            if (e instanceof Effect.MarkDead<Session> m) {
                m.session().markDead();
            } else if (e instanceof Effect.Reconnect<Session> r) {
                Session retire = r.retire();
                schedule(() -> {
                    reconnect();
                    if (retire != null) {
                        retire.close();
                    }
                }, r.delayMillis());
            } else if (e instanceof Effect.Close<Session> c) {
                c.session().close();
            } else if (e instanceof Effect.Resubscribe<Session> r) {
                try {
                    r.session().subscribe();
                } catch (RuntimeException ex) {
                    LOG.debug("re-subscribe failed: {}", reason(ex));
                }
            } else if (e instanceof Effect.FailJobs<Session> f) {
                Session of = f.session();
                int failed = jobs.failAll(g -> of == null || g == of.generation,
                        () -> new SystemdException.Unavailable(f.message(), null));
                if (failed > 0) {
                    LOG.debug("failed {} pending job(s): {}", failed, f.message());
                }
            } else if (e instanceof Effect.Tell<Session> tell) {
                watchers.tell(tell.changed(), tell.resync());
            } else if (e instanceof Effect.CheckAlive<Session> c && !c.session().isAlive()) {
                // A drop between Session.open and installing it was ignored (it was not the current
                // one yet); catch it here, or an idle client would wait forever for signals on a dead socket.
                lost(c.session(), "connection dropped right after connecting");
            }
        }
    }

    /** One reconnect attempt, if still reconnecting. */
    private void reconnect() {
        synchronized (lock) {
            if (!(state instanceof State.Reconnecting)) {
                return;
            }
        }
        Session s;
        try {
            s = openSession();
        } catch (Exception e) {
            handle(new Event.AttemptFailed<>(reason(e)));
            return;
        }
        handle(new Event.Opened<>(s, s.transport, Instant.now()));
    }

    private void schedule(Runnable r, long delayMillis) {
        try {
            reconnector.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    // ---- opening a connection --------------------------------------------------------------------

    private Session openSession() throws Exception {
        long generation = generations.incrementAndGet();
        Transport t = options.transport();
        if (t != Transport.AUTO) {
            return openBounded(generation, t);
        }
        if (isRoot()) {
            try {
                return openBounded(generation, Transport.PRIVATE_SOCKET);
            } catch (Exception e) {
                LOG.debug("private socket {} failed ({}), trying the system bus", options.privateSocket(), reason(e));
            }
        }
        return openBounded(generation, Transport.SYSTEM_BUS);
    }

    /**
     * Session.open with a deadline. dbus-java's transport timeout covers the socket connect only: a
     * peer that accepts but never answers the auth handshake would block forever. The attempt runs
     * on its own thread; on timeout it is interrupted (which closes its socket), and a Session that
     * still completes later is closed at once.
     */
    private Session openBounded(long generation, Transport transport) throws Exception {
        CompletableFuture<Session> result = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                Session s = Session.open(generation, transport, options, signals, this);
                if (!result.complete(s)) {
                    s.close();
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "flotilla-systemd-connect");
        opener.setDaemon(true);
        opener.start();
        Duration limit = options.connectTimeout().plus(options.handshakeTimeout());
        try {
            return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(false);
            opener.interrupt();
            throw new IOException("no answer from systemd within " + limit.toMillis() + " ms (" + describe(transport) + ")");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static boolean isRoot() {
        try {
            return new UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String versionOf(Session s) {
        try {
            return s.version();
        } catch (RuntimeException e) {
            return "(version unknown)";
        }
    }

    private static String describe(Transport t) {
        return t == Transport.PRIVATE_SOCKET ? "private socket" : "system bus";
    }
}
