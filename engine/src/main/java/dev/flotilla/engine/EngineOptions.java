package dev.flotilla.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * @param resyncInterval  a full pass at least this often, as a safety net under the watches
 * @param absentGrace     how long machines that hold assignments but are not registered get to come
 *                        back before their units move, after this engine was elected, after its
 *                        view was listed anew and when many machines left together ({@link MoveHold};
 *                        the machine TTL: a daemon reaches etcd again within a third of it)
 * @param passDelay       how long events are gathered before a pass, so a burst costs one pass
 */
public record EngineOptions(Duration resyncInterval, Duration absentGrace, Duration passDelay) {
    public EngineOptions {
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        Objects.requireNonNull(absentGrace, "absentGrace");
        Objects.requireNonNull(passDelay, "passDelay");
    }

    public static EngineOptions defaults(Duration machineTtl) {
        return new EngineOptions(Duration.ofSeconds(60), machineTtl, Duration.ofMillis(5));
    }
}
