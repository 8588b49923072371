package dev.flotilla.registry;

import dev.flotilla.unitfile.UnitFile;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;

import java.util.List;
import java.util.function.Consumer;

/**
 * Reads every key below a prefix in pages of at most {@link #PAGE_KEYS} keys, in key order, every
 * page at the revision of the first, so the whole read is one consistent state. One Range of a
 * large prefix exceeded gRPC's inbound message limit (10,000 units of 400 bytes did).
 */
final class PagedRange {
    /** Keys per page. */
    static final int PAGE_KEYS = 100;
    /** Largest key plus value the registry writes: a unit at the size limit with its header and name. */
    static final int MAX_ENTRY_BYTES = UnitFile.MAX_BYTES + Codec.UNIT_HEADER_BYTES + 1024;
    /**
     * The client's inbound message limit: the largest page with room for the response's framing;
     * watch responses (a transaction's events with their previous values) are smaller.
     */
    static final int MAX_MESSAGE_BYTES = PAGE_KEYS * MAX_ENTRY_BYTES + (4 << 20);
    /** Fresh starts when etcd compacted the first page's revision before the last page was read. */
    private static final int COMPACTED_RESTARTS = 5;

    private PagedRange() {
    }

    /**
     * Hands every key-value below {@code prefix} to {@code each}, page by page, and returns the
     * revision they were read at. On a compaction in between, {@code restart} is called and the
     * read begins again at a newer revision.
     */
    static long read(KV kv, ByteSequence prefix, String what, Runnable restart, Consumer<List<KeyValue>> each) {
        for (int attempt = 0; ; attempt++) {
            try {
                return readOnce(kv, prefix, what, each);
            } catch (RegistryException e) {
                if (attempt >= COMPACTED_RESTARTS || !compacted(e)) {
                    throw e;
                }
                restart.run();
            }
        }
    }

    private static long readOnce(KV kv, ByteSequence prefix, String what, Consumer<List<KeyValue>> each) {
        ByteSequence end = OptionsUtil.prefixEndOf(prefix);
        ByteSequence from = prefix;
        long revision = 0;
        int limit = PAGE_KEYS;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit);
            if (revision > 0) {
                option.withRevision(revision);
            }
            GetResponse page;
            try {
                page = EtcdConnection.await(kv.get(from, option.build()), what);
            } catch (RegistryException e) {
                // Values stored by an older version (or another client) may exceed the entry
                // bound: a smaller page still gets through, down to one key.
                if (limit > 1 && tooLarge(e)) {
                    limit = Math.max(1, limit / 4);
                    continue;
                }
                throw e;
            }
            if (revision == 0) {
                revision = page.getHeader().getRevision();
            }
            List<KeyValue> kvs = page.getKvs();
            each.accept(kvs);
            if (!page.isMore() || kvs.isEmpty()) {
                return revision;
            }
            from = after(kvs.get(kvs.size() - 1).getKey());
            limit = PAGE_KEYS;
        }
    }

    /** The smallest key after {@code key}. */
    private static ByteSequence after(ByteSequence key) {
        byte[] k = key.getBytes();
        byte[] next = java.util.Arrays.copyOf(k, k.length + 1);
        return ByteSequence.from(next);
    }

    static boolean compacted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CompactedException || String.valueOf(t.getMessage()).contains("required revision has been compacted")) {
                return true;
            }
        }
        return false;
    }

    static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
                return true;
            }
        }
        return false;
    }
}
