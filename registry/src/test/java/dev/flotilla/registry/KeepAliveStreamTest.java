package dev.flotilla.registry;

import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How answers are matched to sends, on streams that a test opens and answers by hand. */
class KeepAliveStreamTest {
    private static final long NEVER = Long.MAX_VALUE;

    /** One stream the fake opener opened: what was written on it and how to answer. */
    static final class FakeCall implements StreamObserver<LeaseKeepAliveRequest> {
        final StreamObserver<LeaseKeepAliveResponse> answers;
        final List<Long> written = new ArrayList<>();
        Throwable cancelled;

        FakeCall(StreamObserver<LeaseKeepAliveResponse> answers) {
            this.answers = answers;
        }

        void answer(long leaseId, long ttl) {
            answers.onNext(LeaseKeepAliveResponse.newBuilder().setID(leaseId).setTTL(ttl).build());
        }

        @Override
        public void onNext(LeaseKeepAliveRequest value) {
            written.add(value.getID());
        }

        @Override
        public void onError(Throwable t) {
            cancelled = t;
        }

        @Override
        public void onCompleted() {
        }
    }

    /** Records what became of each keep-alive. */
    static final class Outcomes implements KeepAliveStream.Answer {
        final List<String> seen = new ArrayList<>();
        final List<Long> renewedSends = new ArrayList<>();

        @Override
        public void renewed(long sentNanos) {
            seen.add("renewed");
            renewedSends.add(sentNanos);
        }

        @Override
        public void gone() {
            seen.add("gone");
        }

        @Override
        public void failed(String why) {
            seen.add("failed");
        }
    }

    private final List<FakeCall> calls = new ArrayList<>();
    private final KeepAliveStream stream = new KeepAliveStream(answers -> {
        FakeCall c = new FakeCall(answers);
        calls.add(c);
        return c;
    });

    @Test
    void allLeasesShareOneStreamWithOneMessagePerKeepAlive() {
        Outcomes a = new Outcomes();
        Outcomes b = new Outcomes();
        stream.send(1, NEVER, a);
        stream.send(2, NEVER, b);
        stream.send(1, NEVER, a);
        assertEquals(1, calls.size());
        assertEquals(List.of(1L, 2L, 1L), calls.get(0).written);
        assertEquals(3, stream.sent());
    }

    @Test
    void eachAnswerGoesToTheOldestUnansweredSendOfItsLease() {
        Outcomes a = new Outcomes();
        Outcomes b = new Outcomes();
        long before = System.nanoTime();
        stream.send(1, NEVER, a);
        long between = System.nanoTime();
        stream.send(1, NEVER, a);
        stream.send(2, NEVER, b);
        long after = System.nanoTime();

        calls.get(0).answer(2, 5);
        assertEquals(List.of("renewed"), b.seen);
        assertEquals(List.of(), a.seen);
        calls.get(0).answer(1, 5);
        assertEquals(1, a.renewedSends.size());
        long first = a.renewedSends.get(0);
        assertTrue(before <= first && first <= between, "the first answer of lease 1 carries its first send time");
        calls.get(0).answer(1, 5);
        long second = a.renewedSends.get(1);
        assertTrue(between <= second && second <= after, "the second carries the second");
    }

    @Test
    void ttlZeroSaysTheLeaseIsGone() {
        Outcomes a = new Outcomes();
        stream.send(1, NEVER, a);
        calls.get(0).answer(1, 0);
        assertEquals(List.of("gone"), a.seen);
    }

    @Test
    void anAnswerForNoSendCountsForNothing() {
        Outcomes a = new Outcomes();
        stream.send(1, NEVER, a);
        calls.get(0).answer(7, 5);
        calls.get(0).answer(1, 5);
        calls.get(0).answer(1, 5); // a second answer for one send
        assertEquals(List.of("renewed"), a.seen);
    }

    @Test
    void aBrokenStreamFailsItsSendsAndWhatItDeliversLaterIsNotCounted() {
        Outcomes a = new Outcomes();
        stream.send(1, NEVER, a);
        stream.send(1, NEVER, a);
        FakeCall first = calls.get(0);
        first.answers.onError(Status.UNAVAILABLE.withDescription("etcd went away").asRuntimeException());
        assertEquals(List.of("failed", "failed"), a.seen);

        long reopened = System.nanoTime();
        stream.send(1, NEVER, a);
        assertEquals(2, calls.size(), "the next keep-alive opens a new stream");
        first.answer(1, 5); // late, from the dead stream
        assertEquals(List.of("failed", "failed"), a.seen);
        calls.get(1).answer(1, 5);
        assertEquals(List.of("failed", "failed", "renewed"), a.seen);
        assertTrue(a.renewedSends.get(0) >= reopened, "matched to the send on the new stream");
    }

    @Test
    void etcdEndingTheStreamIsABreakToo() {
        Outcomes a = new Outcomes();
        stream.send(1, NEVER, a);
        calls.get(0).answers.onCompleted();
        assertEquals(List.of("failed"), a.seen);
        stream.send(1, NEVER, a);
        assertEquals(2, calls.size());
    }

    @Test
    void aStreamThatAnswersNothingForTheBoundIsAbandoned() {
        Outcomes a = new Outcomes();
        stream.send(1, 0, a);
        stream.abandonIfStalled(0);
        assertEquals(List.of("failed"), a.seen);
        assertTrue(calls.get(0).cancelled != null, "the abandoned stream is cancelled");
        calls.get(0).answer(1, 5);
        assertEquals(List.of("failed"), a.seen, "nothing from the abandoned stream counts");
    }

    @Test
    void aSendOnAStalledStreamAbandonsItAndGoesOnANewOne() {
        Outcomes a = new Outcomes();
        stream.send(1, 0, a);
        stream.send(1, 0, a);
        assertEquals(List.of("failed"), a.seen);
        assertEquals(2, calls.size());
        assertEquals(List.of(1L), calls.get(1).written);
    }

    @Test
    void aShortBoundDoesNotAbandonTheKeepAlivesOfALongerOne() {
        Outcomes machine = new Outcomes();
        Outcomes engine = new Outcomes();
        stream.send(1, NEVER, machine);
        stream.send(2, 0, engine);
        stream.abandonIfStalled(0);
        assertEquals(1, calls.size());
        assertEquals(List.of(), machine.seen);
        calls.get(0).answer(1, 5);
        calls.get(0).answer(2, 5);
        assertEquals(List.of("renewed"), machine.seen);
        assertEquals(List.of("renewed"), engine.seen);
    }

    @Test
    void anAnsweringStreamIsNotStalled() {
        Outcomes a = new Outcomes();
        stream.send(1, NEVER, a);
        calls.get(0).answer(1, 5);
        stream.abandonIfStalled(0); // nothing unanswered
        stream.send(1, NEVER, a);
        assertEquals(1, calls.size());
    }

    @Test
    void afterCloseNothingIsSent() {
        Outcomes a = new Outcomes();
        stream.send(1, NEVER, a);
        stream.close();
        assertEquals(List.of("failed"), a.seen);
        stream.send(1, NEVER, a);
        assertEquals(List.of("failed", "failed"), a.seen);
        assertEquals(1, calls.size());
    }
}
