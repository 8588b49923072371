package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A machine's registration in the in-memory cluster. CONNECTED while its client sends keep-alives,
 * SUSPENDED while the client is cut off, LOST (for good) once the lease ran out.
 */
final class MemoryPresence implements MachinePresence {
    private final MemoryStore store;
    private final MemoryClient client;
    private final String key;
    private final long leaseId;
    private final String session;
    private final boolean resumed;
    private final Mailbox mailbox;
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private volatile Machine machine;
    private volatile ConnectionState state = ConnectionState.CONNECTED;
    private boolean closed; // guarded by store

    MemoryPresence(MemoryStore store, MemoryClient client, String key, Machine machine, long leaseId, String session,
                   boolean resumed, Mailbox mailbox) {
        this.store = store;
        this.client = client;
        this.key = key;
        this.machine = machine;
        this.leaseId = leaseId;
        this.session = session;
        this.resumed = resumed;
        this.mailbox = mailbox;
        store.onExpired(leaseId, () -> transition(ConnectionState.LOST));
    }

    Mailbox mailbox() {
        return mailbox;
    }

    /** Writes the presence key on the lease (under the store's monitor). */
    static void write(MemoryStore store, String key, Machine machine, String session, long leaseId) {
        store.commit(List.of(new MemoryStore.Put(key, Codec.MachineRecord.of(machine, session, leaseId), leaseId)),
                "register machine " + machine.id());
    }

    /** Follows the connection (under the store's monitor); LOST is final. */
    void transition(ConnectionState next) {
        if (closed || state == next || state == ConnectionState.LOST) {
            return;
        }
        state = next;
        for (Consumer<ConnectionState> l : listeners) {
            mailbox.post(() -> l.accept(next));
        }
    }

    void reconnected() {
        if (store.alive(leaseId)) {
            transition(ConnectionState.CONNECTED);
        }
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public void onStateChange(Consumer<ConnectionState> listener) {
        listeners.add(listener);
    }

    @Override
    public void update(Machine updated) {
        if (!updated.id().equals(machine.id())) {
            throw new IllegalArgumentException("a presence cannot change its machine id");
        }
        store.atomically(() -> {
            client.check("update machine " + updated.id());
            write(store, key, updated, session, leaseId);
            machine = updated;
        });
    }

    @Override
    public void close() {
        store.atomically(() -> {
            if (closed) {
                return;
            }
            closed = true;
            if (client.sendsKeepAlives()) {
                store.revoke(leaseId);
            } // else the revoke cannot reach the cluster: the lease runs out within its TTL
            client.forget(this);
        });
    }
}
