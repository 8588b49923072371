package dev.flotilla.api.server;

import dev.flotilla.api.ClusterEvent;
import dev.flotilla.json.Json;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /flotilla/v1/events?since=<revision>}: JSON lines, one per etcd revision (see
 * {@link ClusterEvent}), from the registry's cluster watch, until the client goes away. A blank
 * line every {@link #HEARTBEAT} keeps idle connections alive and finds departed clients. Each
 * stream holds one API thread, so their number is capped ({@link #MAX_STREAMS}, then 503); a
 * client that reads slower than the cluster changes is cut off after {@link #MAX_PENDING}
 * revisions (it resumes from its last revision).
 */
final class EventsEndpoint implements AutoCloseable {
    static final int MAX_STREAMS = 16;
    static final int MAX_PENDING = 10_000;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final String CONTENT_TYPE = "application/x-ndjson";
    private static final Object END = new Object();

    private final Registry registry;
    private final AtomicInteger streams = new AtomicInteger();
    private final Set<BlockingQueue<Object>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventsEndpoint(Registry registry) {
        this.registry = registry;
    }

    static long since(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        try {
            long v = Long.parseLong(text);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest("since must be a revision (a number >= 0), not '" + text + "'");
        }
    }

    void stream(Exchange ex) {
        long since = since(ex.query("since"));
        requireReached(since);
        if (closed) {
            throw new HttpFailure(503, "the API is stopping");
        }
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            throw new HttpFailure(503, "too many event streams on this daemon (" + MAX_STREAMS + "); try another one or later");
        }
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        open.add(queue);
        boolean[] first = {true};
        Subscription sub = registry.watchCluster(since, batch -> {
            ClusterEvent event = EventLines.event(batch, since, first[0]);
            first[0] = false;
            if (queue.size() >= MAX_PENDING) {
                queue.offer(END);
                return;
            }
            queue.offer(event);
        });
        try {
            ex.response.setStatus(200);
            ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
            ex.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            pump(queue, Content.Sink.asOutputStream(ex.response));
            ex.callback.succeeded();
        } catch (IOException e) {
            // the client went away: nothing to answer
            ex.callback.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.callback.failed(e);
        } finally {
            sub.close();
            open.remove(queue);
            streams.decrementAndGet();
        }
    }

    /**
     * etcd would accept a watch from a revision it has not reached and send nothing until then: a
     * client resuming after etcd was restored from an older backup (or pointed at another
     * cluster) would silently miss every change. Refused instead, naming both revisions.
     */
    private void requireReached(long since) {
        if (since == 0) {
            return;
        }
        long current = registry.revision();
        if (since > current) {
            throw HttpFailure.badRequest("since=" + since + " is beyond the cluster's revision " + current
                    + " (etcd restored from an older backup, or another cluster?); start again with since=0 for a snapshot");
        }
    }

    private void pump(BlockingQueue<Object> queue, OutputStream out) throws IOException, InterruptedException {
        out.flush(); // the headers go out at once: the client knows it is subscribed
        while (true) {
            Object next = queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
            if (next == END || closed) {
                out.close();
                return;
            }
            if (next == null) {
                out.write('\n');
            } else {
                writeLine(next, out);
                // Write what else is waiting before flushing: fewer, larger writes under load.
                for (Object more = queue.poll(); more != null; more = queue.poll()) {
                    if (more == END) {
                        out.close();
                        return;
                    }
                    writeLine(more, out);
                }
            }
            out.flush();
        }
    }

    /** One event as a JSON line, written as it is encoded (a snapshot of a large cluster is big). */
    private static void writeLine(Object event, OutputStream out) throws IOException {
        try {
            Json.write(event, out);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        out.write('\n');
    }

    /** Ends every stream (their clients reconnect elsewhere or later). */
    @Override
    public void close() {
        closed = true;
        for (BlockingQueue<Object> q : open) {
            q.offer(END);
        }
    }

    int openStreams() {
        return streams.get();
    }
}
