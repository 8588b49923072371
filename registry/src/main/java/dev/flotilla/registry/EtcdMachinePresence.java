package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.PutOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A machine's presence key on its own lease. */
final class EtcdMachinePresence implements MachinePresence {
    private static final Logger log = LoggerFactory.getLogger(EtcdMachinePresence.class);
    /** Fresh leases tried when each ran out before the registration could use it. */
    private static final int EXPIRED_UNUSED_ATTEMPTS = 3;

    private final EtcdConnection etcd;
    private final LeaseKeeper keeper;
    private final String session;
    private final boolean resumed;
    private volatile Machine machine;
    private volatile boolean closed;

    private EtcdMachinePresence(EtcdConnection etcd, Machine machine, LeaseKeeper keeper, String session,
                                boolean resumed) {
        this.etcd = etcd;
        this.machine = machine;
        this.keeper = keeper;
        this.session = session;
        this.resumed = resumed;
    }

    static MachinePresence register(EtcdConnection etcd, Machine machine, Duration ttl, String session,
                                    Duration conflictWait) {
        ByteSequence key = etcd.keys().machine(machine.id());
        long deadline = System.nanoTime() + conflictWait.toNanos();
        int expiredUnused = 0;
        while (true) {
            EtcdConnection.Grant grant = etcd.grantLease(ttl, "grant the machine lease");
            long lease = grant.id();
            ByteSequence value = Codec.encode(Codec.MachineRecord.of(machine, session, lease));
            TxnResponse txn;
            try {
                txn = etcd.createIfAbsent(key, value, lease, "register machine " + machine.id());
            } catch (RegistryException e) {
                // A short TTL can run out between the grant and its first use when this process is
                // starved for a moment: nothing was written, so a fresh lease is simply tried again.
                if (LeaseKeeper.isLeaseGone(e) && ++expiredUnused < EXPIRED_UNUSED_ATTEMPTS) {
                    log.warn("the new machine lease ran out before it was used (TTL {} s); granting another",
                            ttl.toSeconds());
                    continue;
                }
                throw e;
            }
            if (txn.isSucceeded()) {
                return start(etcd, machine, ttl, session, lease, grant.sentNanos(), false);
            }
            Optional<KeyValue> existing = txn.getGetResponses().get(0).getKvs().stream().findFirst();
            if (existing.isEmpty()) {
                etcd.revokeQuietly(lease);
                continue; // deleted in between: try again
            }
            Codec.MachineRecord holder = Codec.decode(existing.get().getValue(), Codec.MachineRecord.class);
            long asked = System.nanoTime();
            long left = session.equals(holder.session()) ? etcd.leaseTimeToLive(holder.leaseId()) : -1;
            if (left > 0) {
                // Our own registration from before a restart, still alive: adopt it, so the
                // machine's units do not move because flotd restarted.
                etcd.revokeQuietly(lease);
                log.info("adopting this machine's registration from before the restart (lease {})",
                        Long.toHexString(holder.leaseId()));
                // Its whole TTL was ahead of it (TTL - left) before it was asked about (whole seconds, rounded down: one less).
                long goodSince = asked - Math.max(0, ttl.toNanos() - TimeUnit.SECONDS.toNanos(left - 1));
                MachinePresence presence = start(etcd, machine, ttl, session, holder.leaseId(), goodSince, true);
                presence.update(machine);
                return presence;
            }
            etcd.revokeQuietly(lease);
            if (System.nanoTime() >= deadline) {
                throw MachineIdConflictException.stillHeld(holder.machine(), conflictWait);
            }
            EtcdKeyWaiter.awaitDeletion(etcd, key, existing.get().getModRevision(), deadline);
        }
    }

    private static MachinePresence start(EtcdConnection etcd, Machine machine, Duration ttl, String session, long lease,
                                         long goodSinceNanos, boolean resumed) {
        LeaseKeeper keeper = new LeaseKeeper(etcd.keepAlives(), lease, ttl, goodSinceNanos, etcd.scheduler(),
                "machine " + machine.id().substring(0, Math.min(8, machine.id().length())));
        keeper.start();
        return new EtcdMachinePresence(etcd, machine, keeper, session, resumed);
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public long leaseId() {
        return keeper.leaseId();
    }

    @Override
    public ConnectionState state() {
        return keeper.state();
    }

    @Override
    public void onStateChange(Consumer<ConnectionState> listener) {
        keeper.onStateChange(listener);
    }

    @Override
    public void update(Machine updated) {
        if (!updated.id().equals(machine.id())) {
            throw new IllegalArgumentException("a presence cannot change its machine id");
        }
        EtcdConnection.await(etcd.client().getKVClient().put(etcd.keys().machine(updated.id()),
                Codec.encode(Codec.MachineRecord.of(updated, session, keeper.leaseId())),
                PutOption.builder().withLeaseId(keeper.leaseId()).build()), "update machine " + updated.id());
        this.machine = updated;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        keeper.close();
        etcd.revokeQuietly(keeper.leaseId());
    }
}
