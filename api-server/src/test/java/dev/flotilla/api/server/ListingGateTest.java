package dev.flotilla.api.server;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListingGateTest {
    @Test
    void aListingBeyondTheLimitWaitsThenIsToldToRetry() throws Exception {
        ListingGate gate = new ListingGate(1, 50);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> gate.run(() -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        holder.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        HttpFailure busy = assertThrows(HttpFailure.class, () -> gate.run(() -> { }));
        assertEquals(503, busy.status());
        release.countDown();
        holder.join(10_000);
        AtomicBoolean ran = new AtomicBoolean();
        gate.run(() -> ran.set(true));
        assertTrue(ran.get(), "the permit is given back after a listing");
    }

    @Test
    void aFailingListingGivesItsPermitBack() {
        ListingGate gate = new ListingGate(1, 50);
        assertThrows(IllegalStateException.class, () -> gate.run(() -> {
            throw new IllegalStateException("read failed");
        }));
        AtomicBoolean ran = new AtomicBoolean();
        gate.run(() -> ran.set(true));
        assertTrue(ran.get());
    }
}
