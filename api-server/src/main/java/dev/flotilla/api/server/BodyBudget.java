package dev.flotilla.api.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Request body bytes held at once across all requests, taken before a body is buffered and given
 * back once its request is answered, so concurrent large bodies cannot exhaust the heap.
 */
final class BodyBudget {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code bytes} if they fit; false (nothing taken) if they do not. */
    boolean tryTake(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long now = held.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                peak.accumulateAndGet(now + bytes, Math::max);
                return true;
            }
        }
    }

    void give(long bytes) {
        if (bytes > 0) {
            held.addAndGet(-bytes);
        }
    }

    long capacity() {
        return capacity;
    }

    long held() {
        return held.get();
    }

    /** The most ever held at once. */
    long peak() {
        return peak.get();
    }
}
