package dev.flotilla.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/** The in-memory cluster: one store, one clock, the delivery threads, and its clients. */
final class MemoryCluster implements InMemoryCluster {
    private static final Duration QUIET_BOUND = Duration.ofSeconds(10);

    private final ManualClock clock;
    private final MemoryStore store;
    private final Delivery delivery = new Delivery();
    private final LongConsumer onAdvance;
    private final List<MemoryClient> clients = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    MemoryCluster(ManualClock clock) {
        this.clock = clock;
        this.store = new MemoryStore(clock);
        this.onAdvance = now -> store.timeMoved();
        clock.onAdvance(onAdvance);
    }

    /** A registry on a cluster of its own, which ends with it. */
    static InMemoryRegistry standalone() {
        return new MemoryCluster(new ManualClock()).connect(true);
    }

    MemoryStore store() {
        return store;
    }

    Delivery delivery() {
        return delivery;
    }

    @Override
    public InMemoryRegistry connect() {
        return connect(false);
    }

    private MemoryClient connect(boolean ownsCluster) {
        if (closed) {
            throw new IllegalStateException("the in-memory cluster is closed");
        }
        MemoryClient client = new MemoryClient(this, ownsCluster);
        clients.add(client);
        return client;
    }

    @Override
    public ManualClock clock() {
        return clock;
    }

    @Override
    public void advance(Duration amount) {
        clock.advance(amount);
    }

    @Override
    public void awaitQuiet() {
        delivery.awaitQuiet(QUIET_BOUND);
    }

    @Override
    public long revision() {
        return store.revision();
    }

    @Override
    public int waitingRegistrations() {
        return store.parked();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clock.removeListener(onAdvance);
        for (MemoryClient c : clients) {
            c.close();
        }
        delivery.close();
    }
}
