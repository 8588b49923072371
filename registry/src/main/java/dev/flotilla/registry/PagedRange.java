package dev.flotilla.registry;

import dev.flotilla.unitfile.UnitFile;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads every key below a prefix in pages of at most {@link #PAGE_KEYS} keys, in key order, every
 * page at the revision of the first, so the whole read is one consistent state. One Range of a
 * large prefix exceeded gRPC's inbound message limit (10,000 units of 400 bytes did).
 *
 * <p>A prefix of more than one page is read in two steps. etcd (3.4) answers a Range with a limit by
 * collecting every key from the page's first to the end of the range, then cutting the list to the
 * limit: read page by page, each page cost as much as the rest of the prefix, and 100,000 unit
 * states took 1,000 such walks (over a minute). So the keys are listed first, without values, in
 * large pages ({@link #KEY_PAGE_KEYS}, cheap: names only), and every {@link #PAGE_KEYS}-th key bounds
 * a value page; each value page is then a Range closed at both ends, which etcd walks no further
 * than its own keys, and {@link #IN_FLIGHT} of them are asked for at a time. Pages stay
 * {@link #PAGE_KEYS} keys, so the largest answer is what it was: a page of units at the size limit.
 */
final class PagedRange {
    /** Keys per page. */
    static final int PAGE_KEYS = Page.MAX_ITEMS;
    /** Keys per page of the names-only listing: ~100 bytes each. */
    static final int KEY_PAGE_KEYS = 10_000;
    /**
     * Keys per value page when the first page's entries are all small (unit states, assignments:
     * ~250 bytes): 1,000 such entries are ~250 KB, and a tenth of the round trips made 100,000
     * states a listing of 100 requests instead of 1,000. A later page that does not fit a message
     * after all falls back to limited pages, as any page does.
     */
    static final int WIDE_PAGE_KEYS = 1_000;
    /** The largest entry of a first page that still lets the value pages be wide. */
    static final int SMALL_ENTRY_BYTES = 2_048;
    /** Value pages asked for at a time. */
    static final int IN_FLIGHT = 4;
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
        // The first page as it is: most prefixes fit in it, and then one request is all.
        Chunk first = limited(kv, prefix, end, 0, PAGE_KEYS, what);
        long revision = first.revision();
        each.accept(first.kvs());
        if (!first.more()) {
            return revision;
        }
        ByteSequence rest = after(first.kvs().get(first.kvs().size() - 1).getKey());
        int largest = first.kvs().stream().mapToInt(e -> e.getKey().size() + e.getValue().size()).max().orElse(0);
        int pageKeys = largest <= SMALL_ENTRY_BYTES ? WIDE_PAGE_KEYS : PAGE_KEYS;
        List<ByteSequence> bounds = valuePageStarts(kv, rest, end, revision, pageKeys, what);
        ArrayDeque<CompletableFuture<List<KeyValue>>> pending = new ArrayDeque<>();
        int next = 0;
        while (next < bounds.size() || !pending.isEmpty()) {
            while (next < bounds.size() && pending.size() < IN_FLIGHT) {
                ByteSequence from = bounds.get(next);
                ByteSequence to = next + 1 < bounds.size() ? bounds.get(next + 1) : end;
                pending.add(bounded(kv, from, to, revision, what));
                next++;
            }
            each.accept(EtcdConnection.await(pending.poll(), what));
        }
        return revision;
    }

    /** The first key of every value page from {@code from} on: every {@code pageKeys}-th key, names only. */
    private static List<ByteSequence> valuePageStarts(KV kv, ByteSequence from, ByteSequence end, long revision, int pageKeys,
                                                      String what) {
        List<ByteSequence> starts = new ArrayList<>();
        long seen = 0;
        ByteSequence at = from;
        while (true) {
            GetOption option = GetOption.builder().withRange(end).withLimit(KEY_PAGE_KEYS).withKeysOnly(true)
                    .withRevision(revision).build();
            GetResponse page = EtcdConnection.await(kv.get(at, option), what);
            List<KeyValue> kvs = page.getKvs();
            for (KeyValue k : kvs) {
                if (seen++ % pageKeys == 0) {
                    starts.add(k.getKey());
                }
            }
            if (!page.isMore() || kvs.isEmpty()) {
                return starts;
            }
            at = after(kvs.get(kvs.size() - 1).getKey());
        }
    }

    /**
     * The keys in [from, to) at the revision: one value page (wide or not). Should they not fit
     * one message (values written by an older version or another client), they are read in smaller
     * limited pages instead.
     */
    private static CompletableFuture<List<KeyValue>> bounded(KV kv, ByteSequence from, ByteSequence to, long revision, String what) {
        GetOption option = GetOption.builder().withRange(to).withRevision(revision).build();
        return kv.get(from, option).handle((page, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(page.getKvs());
            }
            if (tooLarge(error)) {
                return CompletableFuture.supplyAsync(() -> {
                    List<KeyValue> all = new ArrayList<>();
                    ByteSequence at = from;
                    while (true) {
                        Chunk p = limited(kv, at, to, revision, PAGE_KEYS, what);
                        all.addAll(p.kvs());
                        if (!p.more() || p.kvs().isEmpty()) {
                            return all;
                        }
                        at = after(p.kvs().get(p.kvs().size() - 1).getKey());
                    }
                });
            }
            return CompletableFuture.<List<KeyValue>>failedFuture(error);
        }).thenCompose(f -> f);
    }

    /** Some keys in order, whether more follow in the range asked, and the revision they were read at. */
    record Chunk(List<KeyValue> kvs, boolean more, long revision) {
    }

    /**
     * One page of a listing read at its own cost: at most {@code limit} keys below {@code prefix} whose
     * part below it sorts after {@code after} ("" for the first page). Fewer when they would not fit
     * one message; {@link Chunk#more()} says whether keys follow.
     */
    static Chunk pageAfter(KV kv, String prefix, String after, int limit, String what) {
        if (limit < 1 || limit > PAGE_KEYS) {
            throw new IllegalArgumentException("a page holds 1 to " + PAGE_KEYS + " keys, not " + limit);
        }
        ByteSequence start = Keys.bytes(prefix);
        ByteSequence from = after.isEmpty() ? start : after(Keys.bytes(prefix + after));
        return limited(kv, from, OptionsUtil.prefixEndOf(start), 0, limit, what);
    }

    /** One page of at most {@code pageKeys} keys from {@code from} (fewer when the page would not fit a message). */
    private static Chunk limited(KV kv, ByteSequence from, ByteSequence end, long revision, int pageKeys, String what) {
        int limit = pageKeys;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit);
            if (revision > 0) {
                option.withRevision(revision);
            }
            try {
                GetResponse page = EtcdConnection.await(kv.get(from, option.build()), what);
                return new Chunk(page.getKvs(), page.isMore(), page.getHeader().getRevision());
            } catch (RegistryException e) {
                // Values stored by an older version (or another client) may exceed the entry
                // bound: a smaller page still gets through, down to one key.
                if (limit > 1 && tooLarge(e)) {
                    limit = Math.max(1, limit / 4);
                    continue;
                }
                throw e;
            }
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
