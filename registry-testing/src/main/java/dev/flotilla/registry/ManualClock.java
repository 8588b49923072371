package dev.flotilla.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * A clock that moves only when a test advances it, so lease expiry and waits are decided by the
 * test, not by the scheduler. It is a {@link Clock}, so code under test can read the same time.
 */
public final class ManualClock extends Clock {
    private static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

    private final Instant start;
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private volatile long nanos;

    public ManualClock() {
        this(DEFAULT_START);
    }

    public ManualClock(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
    }

    /** Moves time forward; whatever falls due on the way (lease expiry, waits) happens before this returns. */
    public void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time only moves forward, not by " + amount);
        }
        long now;
        synchronized (this) {
            nanos += amount.toNanos();
            now = nanos;
        }
        for (LongConsumer listener : listeners) {
            listener.accept(now);
        }
    }

    /** Time since the start, in nanoseconds. */
    public long nanos() {
        return nanos;
    }

    public Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    void onAdvance(LongConsumer listener) {
        listeners.add(listener);
    }

    void removeListener(LongConsumer listener) {
        listeners.remove(listener);
    }

    @Override
    public Instant instant() {
        return start.plusNanos(nanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        ManualClock source = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return source.withZone(other);
            }

            @Override
            public Instant instant() {
                return source.instant();
            }
        };
    }
}
