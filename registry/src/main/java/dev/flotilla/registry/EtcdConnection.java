package dev.flotilla.registry;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every part of the etcd registry shares: the client, the key layout, the lease scheduler and
 * keep-alive stream, the bounded call, paged listing and batched writes, and the decoders the listings and the
 * watches have in common.
 */
final class EtcdConnection implements AutoCloseable {
    /** Bound on every single etcd call, so nothing hangs forever on a dead etcd. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Transactions of one phase in flight at once: etcd commits concurrent ones together. */
    static final int MAX_TXNS_IN_FLIGHT = 8;

    private final Client client;
    private final Keys keys;
    private final ScheduledExecutorService scheduler;
    private final EtcdReconnector reconnector;
    private final Lanes lanes;
    private final KeepAliveStream keepAlives;

    EtcdConnection(EtcdConfig config) {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(3))
                .retryMaxDuration(Duration.ofSeconds(3))
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .maxInboundMessageSize(PagedRange.MAX_MESSAGE_BYTES);
        if (config.caFile().isPresent() || config.certFile().isPresent()) {
            try {
                builder.sslContext(ssl -> configureTls(ssl, config));
            } catch (javax.net.ssl.SSLException e) {
                throw new RegistryException("cannot set up TLS to etcd: " + e.getMessage(), e);
            }
        }
        this.client = builder.build();
        this.reconnector = EtcdReconnector.start(client, config.endpoints());
        io.grpc.ManagedChannel channel = EtcdReconnector.channelOf(client);
        if (channel == null) {
            client.close();
            reconnector.close();
            throw new IllegalStateException("cannot reach the etcd client's channel for the lease keep-alive stream"
                    + " (a jetcd upgrade moved it: update EtcdReconnector.channelOf)");
        }
        this.keepAlives = KeepAliveStream.on(channel);
        this.keys = new Keys(config.prefix());
        this.lanes = config.lanes();
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

    /** Where the watches deliver (never the lease scheduler's thread). */
    Lanes lanes() {
        return lanes;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The one stream all leases of this connection are kept alive on. */
    KeepAliveStream keepAlives() {
        return keepAlives;
    }

    /**
     * Everything below a prefix, sorted by key, decoded as the watches decode it (null skips an
     * entry), with the revision the read saw.
     */
    /**
     * Gets of the keys, in transactions of at most {@link UnitStates#POINT_READS_PER_TXN} (below
     * etcd's default --max-txn-ops of 128), all sent before any answer is awaited: the cost follows
     * the keys asked about, not what lies around them. Each key's entry in the keys' order, null
     * where there is none.
     */
    List<KeyValue> pointReads(List<ByteSequence> keys, String what) {
        List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += UnitStates.POINT_READS_PER_TXN) {
            Op[] gets = keys.subList(i, Math.min(keys.size(), i + UnitStates.POINT_READS_PER_TXN)).stream()
                    .map(k -> Op.get(k, GetOption.DEFAULT)).toArray(Op[]::new);
            sent.add(client.getKVClient().txn().Then(gets).commit());
        }
        List<KeyValue> found = new ArrayList<>(keys.size());
        for (CompletableFuture<TxnResponse> txn : sent) {
            for (io.etcd.jetcd.kv.GetResponse get : await(txn, what).getGetResponses()) {
                found.add(get.getKvs().isEmpty() ? null : get.getKvs().get(0));
            }
        }
        return found;
    }

    <T> Versioned<List<T>> list(String prefix, PrefixWatcher.Decoder<T> decoder, String what) {
        List<T> items = new ArrayList<>();
        long revision = PagedRange.read(client.getKVClient(), Keys.bytes(prefix), what, items::clear, page -> {
            for (KeyValue kv : page) {
                T item = decoder.decode(Keys.string(kv.getKey()).substring(prefix.length()), kv.getValue());
                if (item != null) {
                    items.add(item);
                }
            }
        });
        return new Versioned<>(List.copyOf(items), revision);
    }

    /** One page below a prefix after a key's part below it ("" for the first), decoded as {@link #list} does. */
    <T> Page<T> page(String prefix, String after, int limit, PrefixWatcher.Decoder<T> decoder, String what) {
        PagedRange.Chunk chunk = PagedRange.pageAfter(client.getKVClient(), prefix, after, limit, what);
        List<T> items = new ArrayList<>();
        String last = after;
        for (KeyValue kv : chunk.kvs()) {
            last = Keys.string(kv.getKey()).substring(prefix.length());
            T item = decoder.decode(last, kv.getValue());
            if (item != null) {
                items.add(item);
            }
        }
        return new Page<>(items, chunk.more(), last, chunk.revision());
    }

    /** One operation of a batch write with the key and value bytes it sends. */
    record Write(Op op, int bytes) {
        static Write put(ByteSequence key, ByteSequence value, PutOption option) {
            return new Write(Op.put(key, value, option), key.size() + value.size());
        }

        static Write delete(ByteSequence key) {
            return new Write(Op.delete(key, io.etcd.jetcd.options.DeleteOption.DEFAULT), key.size());
        }

        @Override
        public String toString() {
            return "a write of " + bytes + " bytes";
        }
    }

    /** Writes in transactions split by operations and bytes; every write is checked before the first. */
    void inBatches(List<Write> writes, String what) {
        for (List<Write> batch : Batches.byWeight(writes, w -> 1, Write::bytes)) {
            await(client.getKVClient().txn().Then(batch.stream().map(Write::op).toArray(Op[]::new)).commit(), what);
        }
    }

    static UnitRecord decodeUnit(String name, ByteSequence value) {
        return Codec.decodeUnit(name, value);
    }

    /** key is "machine/unit". */
    static Assignment decodeAssignment(String key, ByteSequence value) {
        int slash = key.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        return Codec.decode(value, Codec.AssignmentValue.class).assignment(key.substring(0, slash), key.substring(slash + 1));
    }

    /** key is "machine/unit". */
    static UnitState decodeState(String key, ByteSequence value) {
        int slash = key.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        return Codec.decode(value, Codec.StateValue.class).state(key.substring(0, slash), key.substring(slash + 1));
    }

    /** Creates key with value on lease if absent; otherwise returns the current value. */
    TxnResponse createIfAbsent(ByteSequence key, ByteSequence value, long leaseId, String what) {
        return await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, value, PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(), what);
    }

    /**
     * A granted lease and when its grant was sent: etcd started the TTL when it handled the grant,
     * after that, so the send time is a safe start for the lease's life (not when the answer came).
     */
    record Grant(long id, long sentNanos) {
    }

    /**
     * Grants a lease. Bounded by a third of its TTL (1 to 5 s), not the usual call bound: a daemon
     * registering again after an etcd outage retries this call, and must get through within its
     * TTL of etcd's return to resume its old lease (etcd restarts leases with a full TTL).
     */
    Grant grantLease(Duration ttl, String what) {
        long boundMs = Math.max(1000, Math.min(CALL_TIMEOUT.toMillis(), ttl.toMillis() / 3));
        long sent = System.nanoTime();
        CompletableFuture<io.etcd.jetcd.lease.LeaseGrantResponse> grant = client.getLeaseClient().grant(Math.max(1, ttl.toSeconds()));
        try {
            return new Grant(grant.get(boundMs, TimeUnit.MILLISECONDS).getID(), sent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new RegistryException(what + ": " + LeaseKeeper.rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            grant.cancel(true);
            throw new RegistryException(what + ": etcd did not answer within " + boundMs + " ms", e);
        }
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
            if (WriteRefusedException.isRefusal(e)) {
                throw new WriteRefusedException(what + ": etcd refuses the request for good: " + LeaseKeeper.rootMessage(e),
                        e.getCause());
            }
            throw new RegistryException(what + ": " + LeaseKeeper.rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryException(what + ": etcd did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    @Override
    public void close() {
        reconnector.close();
        scheduler.shutdownNow();
        keepAlives.close();
        client.close();
    }
}
