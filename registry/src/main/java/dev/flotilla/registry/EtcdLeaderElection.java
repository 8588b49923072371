package dev.flotilla.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Campaigns for the engine leader key: create it on our lease if absent, else wait for its
 * deletion (the leader resigned or its lease expired) and try again.
 */
final class EtcdLeaderElection implements LeaderElection {
    private static final Logger log = LoggerFactory.getLogger(EtcdLeaderElection.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final EtcdConnection etcd;
    private final String candidateId;
    private final Duration ttl;
    private final ByteSequence key;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean leader;
    private volatile String lastSeenLeader;
    private volatile LeaseKeeper keeper;
    private Thread thread;

    EtcdLeaderElection(EtcdConnection etcd, String candidateId, Duration ttl) {
        this.etcd = etcd;
        this.candidateId = candidateId;
        this.ttl = ttl;
        this.key = etcd.keys().engineLeader();
    }

    @Override
    public synchronized void start(Consumer<Leadership> listener) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> campaign(listener), "flotilla-election");
        thread.setDaemon(true);
        thread.start();
    }

    private void campaign(Consumer<Leadership> listener) {
        boolean failing = false;
        while (closed.getCount() > 0) {
            try {
                runOnce(listener);
                failing = false;
            } catch (RegistryException e) {
                if (!failing) {
                    log.warn("engine election: {} (retrying every {} s)", e.getMessage(), RETRY.toSeconds());
                    failing = true;
                }
                awaitClose(RETRY);
            } catch (RuntimeException e) {
                log.error("engine election failed unexpectedly; retrying", e);
                awaitClose(RETRY);
            }
        }
    }

    private void runOnce(Consumer<Leadership> listener) {
        EtcdConnection.Grant grant = etcd.grantLease(ttl, "grant the engine lease");
        long lease = grant.id();
        TxnResponse txn = etcd.createIfAbsent(key, Keys.bytes(candidateId), lease, "campaign for engine leader");
        if (txn.isSucceeded()) {
            lead(listener, grant, txn.getHeader().getRevision());
            return;
        }
        etcd.revokeQuietly(lease);
        Optional<KeyValue> current = txn.getGetResponses().get(0).getKvs().stream().findFirst();
        if (current.isEmpty()) {
            return;
        }
        KeyValue kv = current.get();
        lastSeenLeader = Keys.string(kv.getValue());
        if (candidateId.equals(lastSeenLeader)) {
            // Left by this machine's previous daemon (ids are unique per machine): take it back now
            // instead of waiting for its lease to expire.
            EtcdConnection.await(etcd.client().getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
                    .Then(Op.delete(key, DeleteOption.DEFAULT)).commit(), "clear the stale leader key");
            return;
        }
        EtcdKeyWaiter.awaitDeletion(etcd, key, kv.getModRevision(),
                System.nanoTime() + Math.max(ttl.toNanos() * 3, TimeUnit.SECONDS.toNanos(10)));
    }

    private void lead(Consumer<Leadership> listener, EtcdConnection.Grant grant, long fencingRevision) {
        long lease = grant.id();
        CompletableFuture<String> lost = new CompletableFuture<>();
        LeaseKeeper k = new LeaseKeeper(etcd.keepAlives(), lease, ttl, grant.sentNanos(), etcd.scheduler(), "engine");
        k.onStateChange(state -> {
            if (state == ConnectionState.LOST) {
                lost.complete("the engine lease was lost");
            }
        });
        keeper = k;
        k.start();
        leader = true;
        lastSeenLeader = candidateId;
        log.info("this machine's engine is now the leader");
        listener.accept(new Leadership.Gained(fencingRevision));
        String reason;
        while (true) {
            try {
                reason = lost.get(200, TimeUnit.MILLISECONDS);
                break;
            } catch (InterruptedException e) {
                // close() interrupts: resign below (the flag stays clear so the revoke can run).
                reason = "resigned";
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                if (closed.getCount() == 0) {
                    reason = "resigned";
                    break;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                reason = e.getMessage();
                break;
            }
        }
        leader = false;
        k.close();
        etcd.revokeQuietly(lease);
        log.info("this machine's engine is no longer the leader: {}", reason);
        listener.accept(new Leadership.Lost(reason));
    }

    private void awaitClose(Duration d) {
        try {
            closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public Optional<String> leader() {
        return Optional.ofNullable(lastSeenLeader);
    }

    @Override
    public void close() {
        closed.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            // A follower may be parked waiting for the leader key to go; wake it.
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(6));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
