package dev.flotilla.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A candidate in the in-memory cluster, with etcd's rules: create the leader key on a lease if it
 * is absent, take back a key this candidate id left behind, else wait for the key's deletion.
 * Waiting candidates try in the order they started waiting, so the handover is deterministic.
 */
final class MemoryElection implements LeaderElection {
    private final MemoryStore store;
    private final MemoryClient client;
    private final String key;
    private final String candidateId;
    private final Duration ttl;
    private final Mailbox mailbox;
    // guarded by store
    private Consumer<Leadership> listener;
    private boolean started;
    private boolean closed;
    private boolean waiting;
    private long lease;
    private volatile boolean leader;
    private volatile String lastSeenLeader;

    MemoryElection(MemoryStore store, MemoryClient client, String key, String candidateId, Duration ttl, Mailbox mailbox) {
        this.store = store;
        this.client = client;
        this.key = key;
        this.candidateId = candidateId;
        this.ttl = ttl;
        this.mailbox = mailbox;
    }

    Mailbox mailbox() {
        return mailbox;
    }

    @Override
    public void start(Consumer<Leadership> l) {
        store.atomically(() -> {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
            listener = l;
            campaign();
        });
    }

    /** One try, under the store's monitor. */
    private void campaign() {
        waiting = false;
        if (!started || closed || leader || !client.sendsKeepAlives()) {
            return; // a cut-off candidate campaigns again when it reconnects
        }
        MemoryStore.Entry current = store.get(key);
        if (current != null) {
            lastSeenLeader = (String) current.value();
            if (!candidateId.equals(lastSeenLeader)) {
                waiting = true;
                store.awaitDeletion(key, this::campaign);
                return;
            }
            // Left by this machine's previous daemon: take it back now instead of waiting for its lease.
            store.commit(List.of(new MemoryStore.Delete(key)), "clear the stale leader key");
        }
        MemoryLease l = store.grant(ttl.toNanos(), client);
        long revision = store.commit(List.of(new MemoryStore.Put(key, candidateId, l.id())), "campaign for engine leader");
        lease = l.id();
        store.onExpired(lease, this::leaseLost);
        leader = true;
        lastSeenLeader = candidateId;
        post(new Leadership.Gained(revision));
    }

    private void leaseLost() {
        if (!leader) {
            return;
        }
        leader = false;
        post(new Leadership.Lost("the engine lease was lost"));
        store.later(this::campaign); // after the candidates that were already waiting
    }

    void reconnected() {
        if (!waiting) {
            campaign();
        }
    }

    private void post(Leadership event) {
        Consumer<Leadership> l = listener;
        mailbox.post(() -> l.accept(event));
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public Optional<String> leader() {
        return Optional.ofNullable(lastSeenLeader);
    }

    /** Resigns at once: the next waiting candidate gains before this returns; Lost is delivered before it returns. */
    @Override
    public void close() {
        store.atomically(() -> {
            if (closed) {
                return;
            }
            closed = true;
            if (leader) {
                leader = false;
                if (client.sendsKeepAlives()) {
                    store.revoke(lease);
                } // else the lease runs out within its TTL
                post(new Leadership.Lost("resigned"));
            }
            client.forget(this);
        });
        mailbox.awaitIdle();
    }
}
