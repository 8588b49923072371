package dev.flotilla.api.server;

import dev.flotilla.unitfile.UnitFile;

import java.time.Duration;

/**
 * What one client may cost the daemon: how slowly and how much it may send, how long a command
 * showing a unit may run, how often a followed journal is probed. Documented in api/README.md (Limits).
 *
 * @param maxBodyBytes      largest request body (413 beyond)
 * @param bodyBytesInFlight request body bytes held at once across all requests (503 + Retry-After beyond)
 * @param requestDeadline   headers and body must have arrived within this, from the request's first byte (408)
 * @param minBodyRate       bytes per second a body must average once {@code rateGrace} has passed (408 below)
 * @param rateGrace         how long a body may arrive slowly before the rate is checked
 * @param followProbe       a quiet followed journal writes a NUL byte this often, so a vanished client is noticed
 * @param commandTimeout    longest {@code systemctl status} or unfollowed {@code journalctl} (killed beyond; 504)
 */
public record ApiLimits(int maxBodyBytes, long bodyBytesInFlight, Duration requestDeadline, long minBodyRate,
                        Duration rateGrace, Duration followProbe, Duration commandTimeout) {
    /**
     * 4 MiB bodies: a unit text is at most {@link UnitFile#MAX_BYTES}, and JSON escaping and fleet's
     * option objects make its body larger. 8 MiB in flight: a 3.7 MB body of fleet options (a 1 MiB
     * text, before the limit became 512 KiB) held ~28 MB of heap while parsed, so a few at once stay far
     * from packaging's -Xmx192m (32 at once ended such a JVM before this budget; ConcurrentBodiesTest).
     * 1 KiB/s after 3 s and 30 s for the whole request cut off a client dripping bytes, while a
     * maximum body still passes at about 140 KiB/s.
     */
    public static final ApiLimits DEFAULTS = new ApiLimits(4 << 20, 8L << 20, Duration.ofSeconds(30),
            1024, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(10));

    public ApiLimits {
        if (maxBodyBytes <= 0 || bodyBytesInFlight < maxBodyBytes) {
            throw new IllegalArgumentException("bodyBytesInFlight (" + bodyBytesInFlight
                    + ") must hold at least one body of maxBodyBytes (" + maxBodyBytes + ")");
        }
        if (minBodyRate < 0 || requestDeadline.isNegative() || requestDeadline.isZero() || rateGrace.isNegative()
                || followProbe.isNegative() || followProbe.isZero() || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("limits must be positive: " + this);
        }
    }

    public ApiLimits withBodyBytesInFlight(long bytes) {
        return new ApiLimits(maxBodyBytes, bytes, requestDeadline, minBodyRate, rateGrace, followProbe, commandTimeout);
    }

    public ApiLimits withRequestDeadline(Duration deadline) {
        return new ApiLimits(maxBodyBytes, bodyBytesInFlight, deadline, minBodyRate, rateGrace, followProbe, commandTimeout);
    }

    public ApiLimits withCommandTimeout(Duration timeout) {
        return new ApiLimits(maxBodyBytes, bodyBytesInFlight, requestDeadline, minBodyRate, rateGrace, followProbe, timeout);
    }
}
