package dev.flotilla.registry;

import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The keep-alives of every lease of one etcd connection, over one long-lived LeaseKeepAlive
 * stream: one message per keep-alive. (jetcd 0.8.7's {@code keepAliveOnce} opens a stream per call
 * and writes its request twice, once more when it ends the stream, so etcd renewed twice per
 * keep-alive; its {@code keepAlive(id, observer)} keeps its own rhythm and never says which request
 * an answer is for, so it cannot give a safe bound. This stream uses the gRPC stub generated in
 * jetcd-grpc, {@code LeaseGrpc}, on jetcd's own channel.)
 *
 * <p>Which send an answer is for. etcd serves a keep-alive stream in one loop: receive a request,
 * renew the lease, send the answer ({@code leaseKeepAlive} in etcd's v3rpc/lease.go), so every
 * request of a stream is answered once and in order; a lease it does not know (expired or revoked)
 * is answered with TTL 0, and any other failure ends the stream. So the n-th answer for a lease on
 * a stream is for the n-th request for that lease on it, and that request's send time, taken before
 * the message is written, is a safe lower bound on when the server renewed the lease. (It would
 * stay one even if answers came out of order: once n answers for a lease have come, n distinct
 * requests were renewed, and the latest-sent of them was sent no earlier than the n-th oldest.)
 * Every stream keeps its own queue of sends: when one breaks, or is abandoned for answering nothing
 * for the longest TTL of the leases sent on it (by then each of them is LOST anyway, so a short
 * engine TTL does not throw away the machine lease's keep-alives), its unanswered sends are failed
 * and nothing it delivers afterwards is counted; the next keep-alive opens a new stream.
 */
final class KeepAliveStream implements AutoCloseable {
    /** What becomes of one keep-alive: exactly one of these is called, once. */
    interface Answer {
        /** The server renewed the lease, after {@code sentNanos} (System.nanoTime). */
        void renewed(long sentNanos);

        /** The server does not know the lease (it expired or was revoked). */
        void gone();

        /** No answer will come: the stream broke, was abandoned, or could not be opened. */
        void failed(String why);
    }

    /** etcd's require-leader header: a member without a leader ends the stream instead of stalling it. */
    private static final Metadata REQUIRE_LEADER = requireLeader();

    private final Function<StreamObserver<LeaseKeepAliveResponse>, StreamObserver<LeaseKeepAliveRequest>> opener;
    /** The open stream, or null; guarded by this. */
    private Call call;
    private boolean closed;
    private long sent;
    private long opened;

    /** @param opener opens one LeaseKeepAlive stream (the stub's {@code leaseKeepAlive}) */
    KeepAliveStream(Function<StreamObserver<LeaseKeepAliveResponse>, StreamObserver<LeaseKeepAliveRequest>> opener) {
        this.opener = opener;
    }

    static KeepAliveStream on(Channel channel) {
        LeaseGrpc.LeaseStub stub = LeaseGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(REQUIRE_LEADER));
        return new KeepAliveStream(stub::leaseKeepAlive);
    }

    private static Metadata requireLeader() {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER), "true");
        return m;
    }

    /**
     * Sends one keep-alive of {@code leaseId}, on the open stream or a new one. A stream that has had
     * unanswered sends and no answer for longer than {@code stallNanos} (and than the bound of every
     * earlier send on it) is abandoned first.
     */
    void send(long leaseId, long stallNanos, Answer answer) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                after.add(() -> answer.failed("the etcd connection is closed"));
            } else {
                abandonIfStalled(stallNanos, after);
                if (call == null) {
                    call = new Call();
                    opened++;
                    call.open();
                }
                Call c = call;
                if (c.dead) {
                    // It failed as it opened (its failure is in the queue of this thread's callbacks).
                    after.add(() -> answer.failed("the keep-alive stream could not be opened"));
                } else {
                    c.add(leaseId, new Pending(answer, System.nanoTime()), stallNanos);
                    sent++;
                    try {
                        c.requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
                    } catch (RuntimeException e) {
                        c.end("cannot write to the keep-alive stream: " + LeaseKeeper.rootMessage(e), true, after);
                    }
                }
            }
        }
        after.forEach(Runnable::run);
    }

    /** Abandons the open stream if it has answered nothing for longer than {@code stallNanos} (see {@link #send}). */
    void abandonIfStalled(long stallNanos) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            abandonIfStalled(stallNanos, after);
        }
        after.forEach(Runnable::run);
    }

    private void abandonIfStalled(long stallNanos, List<Runnable> after) {
        Call c = call;
        long bound = c == null ? 0 : Math.max(stallNanos, c.stallBound);
        if (c != null && c.unanswered > 0 && System.nanoTime() - c.waitingSince >= bound) {
            c.end("no keep-alive answered on the stream for " + bound / 1_000_000 + " ms", true, after);
        }
    }

    /** Keep-alive messages written so far. */
    synchronized long sent() {
        return sent;
    }

    /** Streams opened so far. */
    synchronized long opened() {
        return opened;
    }

    @Override
    public void close() {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (call != null) {
                call.end("the etcd connection is closed", true, after);
            }
        }
        after.forEach(Runnable::run);
    }

    private record Pending(Answer answer, long sentNanos) {
    }

    /** One stream: its sends not yet answered, per lease in send order. Guarded by the outer instance. */
    private final class Call implements StreamObserver<LeaseKeepAliveResponse> {
        private final Map<Long, ArrayDeque<Pending>> pending = new HashMap<>();
        private StreamObserver<LeaseKeepAliveRequest> requests;
        private int unanswered;
        /** Since when the stream has had unanswered sends and answered none. */
        private long waitingSince;
        /** The longest stall bound of the sends so far. */
        private long stallBound;
        private boolean dead;

        void open() {
            try {
                requests = opener.apply(this);
            } catch (RuntimeException e) {
                dead = true;
                call = null;
            }
        }

        void add(long leaseId, Pending p, long stallNanos) {
            stallBound = Math.max(stallBound, stallNanos);
            if (unanswered++ == 0) {
                waitingSince = p.sentNanos();
            }
            pending.computeIfAbsent(leaseId, id -> new ArrayDeque<>()).add(p);
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            Pending p;
            synchronized (KeepAliveStream.this) {
                if (dead) {
                    return;
                }
                ArrayDeque<Pending> q = pending.get(response.getID());
                p = q == null ? null : q.poll();
                if (p == null) {
                    return; // not for a send of this stream: nothing to count
                }
                if (q.isEmpty()) {
                    pending.remove(response.getID());
                }
                unanswered--;
                waitingSince = System.nanoTime();
            }
            if (response.getTTL() > 0) {
                p.answer().renewed(p.sentNanos());
            } else {
                p.answer().gone();
            }
        }

        @Override
        public void onError(Throwable t) {
            ended("the keep-alive stream broke: " + LeaseKeeper.rootMessage(t));
        }

        @Override
        public void onCompleted() {
            ended("etcd ended the keep-alive stream");
        }

        private void ended(String why) {
            List<Runnable> after = new ArrayList<>();
            synchronized (KeepAliveStream.this) {
                end(why, false, after);
            }
            after.forEach(Runnable::run);
        }

        /** Marks the stream dead (cancelling it if asked) and queues the failure of its unanswered sends. */
        void end(String why, boolean cancel, List<Runnable> after) {
            if (dead) {
                return;
            }
            dead = true;
            if (call == this) {
                call = null;
            }
            if (cancel && requests != null) {
                try {
                    requests.onError(Status.CANCELLED.withDescription(why).asRuntimeException());
                } catch (RuntimeException e) {
                    // already over
                }
            }
            for (ArrayDeque<Pending> q : pending.values()) {
                for (Pending p : q) {
                    after.add(() -> p.answer().failed(why));
                }
            }
            pending.clear();
            unanswered = 0;
        }
    }
}
