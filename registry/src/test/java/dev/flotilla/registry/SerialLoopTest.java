package dev.flotilla.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lane semantics, the same for a lane of its own thread and a lane over a shared pool. */
class SerialLoopTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private final List<Lanes> opened = new ArrayList<>();

    @AfterEach
    void closePools() {
        opened.forEach(Lanes::close);
    }

    private Lanes lanes(String kind) {
        Lanes l = kind.equals("dedicated") ? Lanes.dedicated() : Lanes.shared(4);
        opened.add(l);
        return l;
    }

    /** Every task notes its lane's overlap and order. */
    private static final class Probe {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final List<Integer> seen = new ArrayList<>(); // lane only

        Runnable task(int n) {
            return () -> {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                seen.add(n);
                Thread.yield();
                inside.decrementAndGet();
            };
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void tasksKeepTheirOrderAndNeverOverlap(String kind) {
        Lanes lanes = lanes(kind);
        int laneCount = kind.equals("dedicated") ? 4 : 200;
        List<SerialLoop> loops = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            loops.add(lanes.lane("lane-" + i));
            probes.add(new Probe());
        }
        int tasks = 500;
        for (int n = 0; n < tasks; n++) {
            for (int i = 0; i < laneCount; i++) {
                loops.get(i).post(probes.get(i).task(n));
            }
        }
        for (int i = 0; i < laneCount; i++) {
            Probe p = probes.get(i);
            List<Integer> seen = loops.get(i).call(() -> List.copyOf(p.seen));
            assertEquals(tasks, seen.size(), "lane " + i);
            for (int n = 0; n < tasks; n++) {
                assertEquals(n, seen.get(n), "lane " + i + " ran out of order");
            }
            assertEquals(0, p.overlaps.get(), "lane " + i + " overlapped");
        }
        loops.forEach(SerialLoop::shutdownNow);
    }

    @Test
    void postsFromManyThreadsKeepEachPostersOrderOnASharedLane() throws Exception {
        SerialLoop loop = lanes("shared").lane("many-posters");
        int posters = 8;
        int each = 2000;
        ConcurrentHashMap<Integer, Integer> last = new ConcurrentHashMap<>();
        AtomicInteger disorder = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < posters; t++) {
            int poster = t;
            threads.add(new Thread(() -> {
                for (int n = 0; n < each; n++) {
                    int seq = n;
                    loop.post(() -> {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        Integer before = last.put(poster, seq);
                        if (before != null && before != seq - 1) {
                            disorder.incrementAndGet();
                        }
                        inside.decrementAndGet();
                    });
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        loop.call(() -> null); // after every post above
        for (int t = 0; t < posters; t++) {
            assertEquals(each - 1, last.get(t));
        }
        assertEquals(0, disorder.get());
        assertEquals(0, overlaps.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void runIsInlineOnTheLaneAndWaitsElsewhere(String kind) {
        SerialLoop loop = lanes(kind).lane("run");
        assertFalse(loop.onLane());
        AtomicReference<Boolean> inside = new AtomicReference<>();
        AtomicReference<String> order = new AtomicReference<>("");
        loop.run(() -> {
            inside.set(loop.onLane());
            // run() from the lane itself runs at once, before anything queued
            loop.post(() -> order.updateAndGet(s -> s + "posted;"));
            loop.run(() -> order.updateAndGet(s -> s + "inline;"));
            assertEquals(42, loop.call(() -> 42)); // call() from the lane itself runs at once too
        });
        assertTrue(inside.get());
        assertEquals("inline;posted;", loop.call(order::get));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void aFailingTaskIsLoggedAndTheLaneGoesOn(String kind) {
        SerialLoop loop = lanes(kind).lane("failing");
        loop.post(() -> {
            throw new IllegalStateException("a planned failure (logged)");
        });
        loop.schedule(() -> {
            throw new IllegalStateException("a planned timed failure (logged)");
        }, 0);
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> every = loop.every(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("a planned periodic failure (logged)");
            }
        }, 5);
        await().atMost(BOUND).until(() -> runs.get() >= 3); // a periodic task goes on after a failure
        every.cancel(false);
        assertEquals("still here", loop.call(() -> "still here"));
        assertThrows(IllegalArgumentException.class, () -> loop.call(() -> {
            throw new IllegalArgumentException("a call's failure reaches its caller");
        }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void timersRunOnTheLane(String kind) throws Exception {
        SerialLoop loop = lanes(kind).lane("timers");
        CountDownLatch once = new CountDownLatch(1);
        AtomicReference<Boolean> onLane = new AtomicReference<>();
        loop.schedule(() -> {
            onLane.set(loop.onLane());
            once.countDown();
        }, 1);
        assertTrue(once.await(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertTrue(onLane.get());

        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Runnable slow = () -> {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            runs.incrementAndGet();
            for (int i = 0; i < 1000; i++) {
                Thread.yield();
            }
            inside.decrementAndGet();
        };
        ScheduledFuture<?> rate = loop.every(slow, 1);
        ScheduledFuture<?> pause = loop.everyAfter(slow, 1);
        await().atMost(BOUND).until(() -> runs.get() >= 20);
        rate.cancel(false);
        pause.cancel(false);
        assertTrue(rate.isCancelled() && pause.isCancelled());
        assertEquals(0, overlaps.get());

        ScheduledFuture<?> cancelled = loop.schedule(() -> runs.set(-1_000_000), 60_000);
        assertTrue(cancelled.cancel(false));
        assertTrue(cancelled.isCancelled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void shutdownNowDropsTheQueueCancelsTimersAndRefusesMore(String kind) throws Exception {
        SerialLoop loop = lanes(kind).lane("closing-now");
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.post(() -> {
            blocking.countDown();
            awaitUninterruptibly(release); // a dedicated lane's shutdownNow interrupts: keep blocking anyway
        });
        assertTrue(blocking.await(BOUND.toSeconds(), TimeUnit.SECONDS));
        AtomicInteger ranAfter = new AtomicInteger();
        loop.post(ranAfter::incrementAndGet); // queued behind the blocking task
        ScheduledFuture<?> timer = loop.schedule(ranAfter::incrementAndGet, 60_000);

        loop.shutdownNow();
        assertTrue(timer.isCancelled());
        loop.post(ranAfter::incrementAndGet); // nothing: closed
        assertNull(loop.call(() -> "never"));
        assertThrows(RejectedExecutionException.class, () -> loop.schedule(ranAfter::incrementAndGet, 0));
        assertThrows(RejectedExecutionException.class, () -> loop.every(ranAfter::incrementAndGet, 1));
        release.countDown();
        loop.shutdownAndWait(BOUND); // returns once the blocking task has ended
        assertEquals(0, ranAfter.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated", "shared"})
    void shutdownAndWaitRunsTheQueueButNoTimers(String kind) throws Exception {
        SerialLoop loop = lanes(kind).lane("closing");
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.post(() -> {
            blocking.countDown();
            awaitUninterruptibly(release);
        });
        assertTrue(blocking.await(BOUND.toSeconds(), TimeUnit.SECONDS));
        AtomicInteger queued = new AtomicInteger();
        for (int i = 0; i < 3 * PooledLane.TURN; i++) { // more than one turn on a shared pool
            loop.post(queued::incrementAndGet);
        }
        ScheduledFuture<?> timer = loop.schedule(() -> queued.addAndGet(1_000_000), 60_000);
        Thread closer = new Thread(() -> loop.shutdownAndWait(BOUND));
        closer.start();
        await().atMost(BOUND).until(timer::isCancelled);
        loop.post(queued::incrementAndGet); // after close: nothing
        release.countDown();
        closer.join(BOUND.toMillis());
        assertFalse(closer.isAlive());
        assertEquals(3 * PooledLane.TURN, queued.get());
    }

    @Test
    void closingOneSharedLaneLeavesTheOthersRunning() {
        Lanes lanes = lanes("shared");
        SerialLoop a = lanes.lane("a");
        SerialLoop b = lanes.lane("b");
        AtomicInteger bTicks = new AtomicInteger();
        b.every(bTicks::incrementAndGet, 1);
        a.shutdownNow();
        assertNull(a.call(() -> "closed"));
        await().atMost(BOUND).until(() -> bTicks.get() >= 3);
        assertEquals("open", b.call(() -> "open"));
    }

    /**
     * Lanes that wait for lanes (the agent's presence waits for the agent's loop on each
     * registration) on a pool of one worker: without a spare worker for each waiter, the first
     * waiter would hold the only worker while what it waits for is queued behind it.
     */
    @Test
    void lanesWaitingForLanesDoNotStarveTheSharedPool() {
        Lanes lanes = Lanes.shared(1);
        opened.add(lanes);
        int pairs = 50;
        AtomicInteger answered = new AtomicInteger();
        List<SerialLoop> waiters = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            SerialLoop waiter = lanes.lane("waiter-" + i);
            SerialLoop target = lanes.lane("target-" + i);
            waiters.add(waiter);
            int n = i;
            waiter.post(() -> {
                Integer got = target.call(() -> n);
                if (got == n) {
                    answered.incrementAndGet();
                }
            });
        }
        await().atMost(BOUND).until(() -> answered.get() == pairs);
        for (SerialLoop w : waiters) {
            assertEquals("free", w.call(() -> "free"));
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
