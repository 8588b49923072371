package dev.flotilla.agent;

import dev.flotilla.model.Machine;
import dev.flotilla.registry.Lanes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The agent's settings. {@link #of} gives the defaults flotd uses; tests change single fields.
 *
 * @param machine        this machine as configured (id, IP, metadata); it registers with the API's metadata
 *                       overrides laid over that metadata, and global units match against the result
 * @param machineTtl     the lease TTL: a machine silent for this long counts as gone and its units move
 * @param session        a token stable across restarts of the same daemon: a restarted daemon resumes its
 *                       still-living lease instead of being refused as a duplicate
 * @param conflictWait   how long to wait for another registration of this machine id to expire
 * @param unitDir        the agent's own folder for unit files (e.g. /run/flotilla/units)
 * @param coalesce       events within this delay are handled in one pass
 * @param publishDelay   unit state changes within this delay are published in one write
 * @param resyncInterval a full pass (folder re-read, states re-read) this often, as a safety net
 * @param registerRetry  delay between registration attempts after a failed or lost one, each spread
 *                       at random over [0.5, 1.5] x this (see {@code Membership})
 * @param stopTimeout    how long a clean shutdown waits for its units to stop
 * @param lanes          where the agent's serial work runs (its loop, state publisher, presence,
 *                       metadata retries): a thread each by default (flotd); a shared pool for a
 *                       process that holds thousands of agents (the benchmark)
 */
public record AgentConfig(Machine machine, Duration machineTtl, String session, Duration conflictWait, Path unitDir,
                          Duration coalesce, Duration publishDelay, Duration resyncInterval, Duration registerRetry,
                          Duration stopTimeout, Lanes lanes) {

    public static final Path DEFAULT_UNIT_DIR = Path.of("/run/flotilla/units");

    public AgentConfig {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(machineTtl, "machineTtl");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(conflictWait, "conflictWait");
        Objects.requireNonNull(unitDir, "unitDir");
        Objects.requireNonNull(coalesce, "coalesce");
        Objects.requireNonNull(publishDelay, "publishDelay");
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        Objects.requireNonNull(registerRetry, "registerRetry");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(lanes, "lanes");
        if (!unitDir.isAbsolute()) {
            throw new IllegalArgumentException("unit folder must be an absolute path (systemd links to it): " + unitDir);
        }
        if (resyncInterval.isZero() || resyncInterval.isNegative() || registerRetry.isZero() || registerRetry.isNegative()) {
            throw new IllegalArgumentException("resyncInterval and registerRetry must be positive");
        }
    }

    /** flotd's defaults: conflict wait = TTL + 2 s, 20 ms coalescing, 25 ms publish delay, 60 s resync, 1 s retry, 10 s stop. */
    public static AgentConfig of(Machine machine, Duration machineTtl, String session, Path unitDir) {
        return new AgentConfig(machine, machineTtl, session, machineTtl.plusSeconds(2), unitDir, Duration.ofMillis(20),
                Duration.ofMillis(25), Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(10), Lanes.dedicated());
    }

    public AgentConfig withResyncInterval(Duration value) {
        return new AgentConfig(machine, machineTtl, session, conflictWait, unitDir, coalesce, publishDelay, value, registerRetry,
                stopTimeout, lanes);
    }

    public AgentConfig withRegisterRetry(Duration value) {
        return new AgentConfig(machine, machineTtl, session, conflictWait, unitDir, coalesce, publishDelay, resyncInterval, value,
                stopTimeout, lanes);
    }

    public AgentConfig withStopTimeout(Duration value) {
        return new AgentConfig(machine, machineTtl, session, conflictWait, unitDir, coalesce, publishDelay, resyncInterval,
                registerRetry, value, lanes);
    }

    public AgentConfig withConflictWait(Duration value) {
        return new AgentConfig(machine, machineTtl, session, value, unitDir, coalesce, publishDelay, resyncInterval,
                registerRetry, stopTimeout, lanes);
    }

    public AgentConfig withLanes(Lanes value) {
        return new AgentConfig(machine, machineTtl, session, conflictWait, unitDir, coalesce, publishDelay, resyncInterval,
                registerRetry, stopTimeout, value);
    }
}
