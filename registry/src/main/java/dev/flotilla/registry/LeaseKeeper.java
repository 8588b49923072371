package dev.flotilla.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one lease alive with a keep-alive every ttl/3 and turns what it sees into an explicit
 * {@link ConnectionState}. Each state change is logged once; LOST is final for this lease.
 *
 * <p>The keep-alives go over the connection's one {@link KeepAliveStream}, which hands each answer
 * back with the send time of the request it answers (its javadoc says why that match is exact).
 * A keep-alive that etcd acknowledges late still counts: the server renewed the lease when it
 * handled it, which is after we sent it, so its send time stays a safe bound, and
 * {@code lastGoodSend} only ever moves to the send time of an acknowledged request. Under a burst
 * of large transactions etcd answers renewals late (it lets its applied index catch up first);
 * dropping those answers after a third of the TTL made a loaded engine give up a lease the server
 * still held. So keep-alives overlap (a few at a time) and each may wait up to the TTL: a stream
 * that answers nothing for the longest TTL of its leases is abandoned, its keep-alives failed, and
 * a new one opened.
 */
final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final KeepAliveStream stream;
    private final long leaseId;
    private final long ttlNanos;
    private final ScheduledExecutorService scheduler;
    private final String what;
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.CONNECTED;
    private static final int MAX_IN_FLIGHT = 3;

    private final java.util.concurrent.atomic.AtomicLong lastGoodSend;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean lastAttemptFailed;
    private volatile ScheduledFuture<?> ticker;
    private volatile boolean closed;
    private final KeepAliveStream.Answer answer = new KeepAliveStream.Answer() {
        @Override
        public void renewed(long sentNanos) {
            inFlight.decrementAndGet();
            lastGoodSend.accumulateAndGet(sentNanos, Math::max);
            lastAttemptFailed = false;
            evaluate();
        }

        @Override
        public void gone() {
            inFlight.decrementAndGet();
            transition(ConnectionState.LOST, "the lease expired on the server");
        }

        @Override
        public void failed(String why) {
            inFlight.decrementAndGet();
            lastAttemptFailed = true;
            if (state == ConnectionState.CONNECTED && !closed) {
                log.debug("{}: keep-alive failed: {}", what, why);
            }
            evaluate();
        }
    };

    /**
     * @param goodSinceNanos when the lease last had its whole TTL ahead of it, by {@link System#nanoTime()}:
     *                       its grant's send time (or, for a lease taken over, what its remaining TTL
     *                       says), so the bound counts from the server's start, not from this object's
     */
    LeaseKeeper(KeepAliveStream stream, long leaseId, Duration ttl, long goodSinceNanos, ScheduledExecutorService scheduler,
                String what) {
        this.lastGoodSend = new java.util.concurrent.atomic.AtomicLong(goodSinceNanos);
        this.stream = stream;
        this.leaseId = leaseId;
        this.ttlNanos = ttl.toNanos();
        this.scheduler = scheduler;
        this.what = what;
    }

    long leaseId() {
        return leaseId;
    }

    ConnectionState state() {
        return state;
    }

    void onStateChange(Consumer<ConnectionState> listener) {
        listeners.add(listener);
    }

    void start() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), ttlNanos / 3);
        // The check runs more often than the keep-alive so LOST is noticed promptly.
        ticker = scheduler.scheduleAtFixedRate(this::tick, 0, period / 2, TimeUnit.NANOSECONDS);
    }

    private long ticks;

    private void tick() {
        if (state == ConnectionState.LOST || closed) {
            return;
        }
        if (ticks++ % 2 == 0) {
            if (inFlight.get() < MAX_IN_FLIGHT) {
                inFlight.incrementAndGet();
                stream.send(leaseId, ttlNanos, answer);
            } else {
                // As many keep-alives as allowed wait on a stream that may be dead without knowing it.
                stream.abandonIfStalled(ttlNanos);
            }
        }
        evaluate();
    }

    static boolean isLeaseGone(Throwable error) {
        String msg = rootMessage(error);
        return msg != null && msg.contains("requested lease not found");
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    private void evaluate() {
        if (closed) {
            return;
        }
        ConnectionState next = LeaseHealth.evaluate(System.nanoTime() - lastGoodSend.get(), ttlNanos, lastAttemptFailed);
        transition(next, next == ConnectionState.LOST ? "no keep-alive acknowledged within the TTL" : "");
    }

    private synchronized void transition(ConnectionState next, String why) {
        if (state == next || state == ConnectionState.LOST || closed) {
            return;
        }
        ConnectionState previous = state;
        state = next;
        switch (next) {
            case CONNECTED -> log.info("{}: connection to etcd restored", what);
            case SUSPENDED -> log.warn("{}: keep-alives of lease {} not answered in time (etcd unreachable or overloaded): suspended, keeps running while the TTL allows",
                    what, Long.toHexString(leaseId));
            case LOST -> log.warn("{}: lease {} lost: {}", what, Long.toHexString(leaseId), why);
        }
        if (next == ConnectionState.LOST) {
            stopTicker();
        }
        for (Consumer<ConnectionState> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.error("{}: state listener failed on {} -> {}", what, previous, next, e);
            }
        }
    }

    private void stopTicker() {
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
    }

    /**
     * Stops keeping the lease alive (it then expires on its own unless revoked); answers still on
     * their way change nothing.
     */
    @Override
    public void close() {
        closed = true;
        stopTicker();
    }
}
