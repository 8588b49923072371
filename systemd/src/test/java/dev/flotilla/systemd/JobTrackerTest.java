package dev.flotilla.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

class JobTrackerTest {

    private final JobTracker jobs = new JobTracker(Runnable::run);

    @Test
    void replyThenJobRemoved() {
        JobTracker.Pending p = jobs.register("a.service", 1);
        jobs.replied(p, "/org/freedesktop/systemd1/job/10");
        assertFalse(p.future.isDone());
        jobs.removed("a.service", "/org/freedesktop/systemd1/job/10", "done");
        assertEquals(JobResult.DONE, p.future.join());
        assertEquals(0, jobs.pending());
    }

    @Test
    void jobRemovedBeforeTheReply() {
        JobTracker.Pending p = jobs.register("a.service", 1);
        jobs.removed("a.service", "/job/10", "failed");
        assertFalse(p.future.isDone(), "waits for the reply to know it is our job");
        jobs.replied(p, "/job/10");
        assertEquals(JobResult.FAILED, p.future.join());
        assertEquals(0, jobs.pending());
    }

    @Test
    void anUnrelatedJobOfTheSameUnitDoesNotCompleteOurs() {
        JobTracker.Pending p = jobs.register("a.service", 1);
        jobs.removed("a.service", "/job/9", "canceled"); // someone else's job, before our reply
        jobs.replied(p, "/job/10");
        assertFalse(p.future.isDone());
        jobs.removed("a.service", "/job/10", "done");
        assertEquals(JobResult.DONE, p.future.join());
    }

    @Test
    void mergedJobsCompleteAllCallers() {
        JobTracker.Pending p1 = jobs.register("a.service", 1);
        JobTracker.Pending p2 = jobs.register("a.service", 1);
        jobs.replied(p1, "/job/10");
        jobs.removed("a.service", "/job/10", "done"); // before p2's reply, which names the same job
        jobs.replied(p2, "/job/10");
        assertEquals(JobResult.DONE, p1.future.join());
        assertEquals(JobResult.DONE, p2.future.join());
        assertEquals(0, jobs.pending());
    }

    @Test
    void manyUnitsInterleaved() {
        JobTracker.Pending[] ps = new JobTracker.Pending[100];
        for (int i = 0; i < 100; i++) {
            ps[i] = jobs.register("t@" + i + ".service", 1);
        }
        for (int i = 0; i < 100; i++) {
            if (i % 3 == 0) {
                jobs.removed("t@" + i + ".service", "/job/" + i, "done");
                jobs.replied(ps[i], "/job/" + i);
            } else {
                jobs.replied(ps[i], "/job/" + i);
                jobs.removed("t@" + i + ".service", "/job/" + i, i % 3 == 1 ? "done" : "dependency");
            }
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(i % 3 == 2 ? JobResult.DEPENDENCY : JobResult.DONE, ps[i].future.join());
        }
        assertEquals(0, jobs.pending());
    }

    @Test
    void finishAndFail() {
        JobTracker.Pending p = jobs.register("a.service", 1);
        jobs.finish(p, JobResult.NOT_LOADED);
        assertEquals(JobResult.NOT_LOADED, p.future.join());
        JobTracker.Pending q = jobs.register("b.service", 1);
        RuntimeException boom = new IllegalStateException("boom");
        jobs.fail(q, boom);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, q.future::join);
        assertSame(boom, e.getCause());
        jobs.removed("b.service", "/job/1", "done"); // late signal: ignored
        assertEquals(0, jobs.pending());
    }

    @Test
    void failAllOfOneGeneration() {
        JobTracker.Pending old1 = jobs.register("a.service", 1);
        JobTracker.Pending old2 = jobs.register("b.service", 1);
        jobs.replied(old2, "/job/2");
        JobTracker.Pending fresh = jobs.register("c.service", 2);
        assertEquals(2, jobs.failAll(g -> g == 1, () -> new SystemdException.Unavailable("lost", null)));
        assertInstanceOf(SystemdException.Unavailable.class,
                org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, old1.future::join).getCause());
        assertTrue(old2.future.isCompletedExceptionally());
        assertFalse(fresh.future.isDone());
        jobs.replied(old1, "/job/1"); // a reply after the failure changes nothing
        assertEquals(1, jobs.pending());
    }
}
