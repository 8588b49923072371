package dev.flotilla.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The etcd-backed registry. */
final class EtcdRegistry implements Registry {
    /** Bound on every single etcd call, so nothing hangs forever on a dead etcd. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final Client client;
    private final Keys keys;
    private final ScheduledExecutorService scheduler;

    EtcdRegistry(EtcdConfig config) {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(3))
                .retryMaxDuration(Duration.ofSeconds(3))
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3));
        if (config.caFile().isPresent() || config.certFile().isPresent()) {
            try {
                builder.sslContext(ssl -> configureTls(ssl, config));
            } catch (javax.net.ssl.SSLException e) {
                throw new RegistryException("cannot set up TLS to etcd: " + e.getMessage(), e);
            }
        }
        this.client = builder.build();
        this.keys = new Keys(config.prefix());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotilla-leases");
            t.setDaemon(true);
            return t;
        });
    }

    private static void configureTls(SslContextBuilder ssl, EtcdConfig config) {
        config.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
        if (config.certFile().isPresent() && config.keyFile().isPresent()) {
            File cert = config.certFile().get().toFile();
            File key = config.keyFile().get().toFile();
            ssl.keyManager(cert, key);
        }
    }

    Client client() {
        return client;
    }

    Keys keys() {
        return keys;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Versioned<List<Machine>> machines() {
        GetResponse response = await(client.getKVClient().get(keys.machinesPrefix(),
                GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.KEY).build()), "list machines");
        List<Machine> machines = new ArrayList<>(response.getKvs().size());
        for (KeyValue kv : response.getKvs()) {
            machines.add(Codec.decode(kv.getValue(), Codec.MachineRecord.class).machine());
        }
        return new Versioned<>(List.copyOf(machines), response.getHeader().getRevision());
    }

    @Override
    public MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait) {
        return EtcdMachinePresence.register(this, machine, ttl, session, conflictWait);
    }

    @Override
    public LeaderElection leaderElection(String candidateId, Duration ttl) {
        return new EtcdLeaderElection(this, candidateId, ttl);
    }

    @Override
    public Optional<String> engineLeader() {
        GetResponse response = await(client.getKVClient().get(keys.engineLeader()), "read engine leader");
        return response.getKvs().stream().findFirst().map(kv -> Keys.string(kv.getValue()));
    }

    /** Creates key with value on lease if absent; otherwise returns the current value. */
    TxnResponse createIfAbsent(ByteSequence key, ByteSequence value, long leaseId, String what) {
        return await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, value, PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(), what);
    }

    long grantLease(Duration ttl, String what) {
        return await(client.getLeaseClient().grant(Math.max(1, ttl.toSeconds())), what).getID();
    }

    /** Remaining TTL of a lease in seconds; -1 if it no longer exists. */
    long leaseTimeToLive(long leaseId) {
        return await(client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT), "read lease TTL").getTTL();
    }

    void revokeQuietly(long leaseId) {
        try {
            client.getLeaseClient().revoke(leaseId).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The lease then expires by itself within its TTL.
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new RegistryException(what + ": " + LeaseKeeper.rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryException(what + ": etcd did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        client.close();
    }
}
