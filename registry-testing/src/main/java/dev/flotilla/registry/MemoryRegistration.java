package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call of register() in the in-memory cluster, the same steps as with etcd: take the machine
 * key on a new lease, or adopt this session's own living lease, or wait (on the cluster's clock)
 * for the holder to go until conflictWait has passed.
 */
final class MemoryRegistration {
    /** A test that never advances the clock past the wait would otherwise hang. */
    private static final Duration REAL_TIME_BOUND = Duration.ofSeconds(30);

    private final MemoryStore store;
    private final MemoryClient client;
    private final String key;
    private final Machine machine;
    private final Duration ttl;
    private final String session;
    private final Duration conflictWait;
    private final long deadline;
    private final CompletableFuture<MachinePresence> result = new CompletableFuture<>();
    private boolean parked; // guarded by store

    MemoryRegistration(MemoryStore store, MemoryClient client, String key, Machine machine, Duration ttl, String session,
                       Duration conflictWait) {
        this.store = store;
        this.client = client;
        this.key = key;
        this.machine = machine;
        this.ttl = ttl;
        this.session = session;
        this.conflictWait = conflictWait;
        this.deadline = store.now() + conflictWait.toNanos();
    }

    /** One try, under the store's monitor; tries again when the holder's key is deleted, fails at the deadline. */
    void attempt() {
        if (result.isDone()) {
            return;
        }
        if (!client.sendsKeepAlives()) {
            fail(new RegistryException("register machine " + machine.id() + ": cut off from the cluster"));
            return;
        }
        MemoryStore.Entry current = store.get(key);
        if (current == null) {
            MemoryLease lease = store.grant(ttl.toNanos(), client);
            MemoryPresence.write(store, key, machine, session, lease.id());
            succeed(lease.id(), false);
            return;
        }
        Codec.MachineRecord holder = (Codec.MachineRecord) current.value();
        if (session.equals(holder.session()) && store.alive(holder.leaseId())) {
            // This daemon's own registration from before a restart: adopt it, so its units stay.
            store.adopt(holder.leaseId(), client);
            MemoryPresence.write(store, key, machine, session, holder.leaseId());
            succeed(holder.leaseId(), true);
            return;
        }
        if (store.now() >= deadline) {
            fail(MachineIdConflictException.stillHeld(holder.machine(), conflictWait));
            return;
        }
        if (!parked) {
            parked = true;
            store.parked(1);
            client.waiting(this);
            store.schedule(deadline, this::attempt);
        }
        store.awaitDeletion(key, this::attempt);
    }

    private void succeed(long leaseId, boolean resumed) {
        MemoryPresence presence = new MemoryPresence(store, client, key, machine, leaseId, session, resumed,
                client.mailbox("presence of " + machine.id()));
        client.registered(presence);
        finish();
        result.complete(presence);
    }

    /** Ends the call with an error (under the store's monitor). */
    void fail(RuntimeException error) {
        if (result.isDone()) {
            return;
        }
        finish();
        result.completeExceptionally(error);
    }

    private void finish() {
        if (parked) {
            parked = false;
            store.parked(-1);
            client.doneWaiting(this);
        }
    }

    /** Blocks the caller until the cluster decided. */
    MachinePresence await() {
        try {
            return result.get(REAL_TIME_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            String why = "register machine " + machine.id() + " waited " + REAL_TIME_BOUND.toSeconds()
                    + " s of real time for a conflicting registration: advance the cluster's clock by the conflict wait";
            store.atomically(() -> fail(new IllegalStateException(why)));
            throw new IllegalStateException(why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.atomically(() -> fail(new RegistryException("register machine " + machine.id() + ": interrupted")));
            throw new RegistryException("register machine " + machine.id() + ": interrupted", e);
        }
    }
}
