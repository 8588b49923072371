package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Machines;
import dev.flotilla.registry.Subscription;
import dev.flotilla.registry.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.Lanes;
import dev.flotilla.registry.SerialLoop;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The machine's metadata as announced: the configured metadata (flotd's config file, re-read on
 * SIGHUP) with the API's overrides laid over it ({@link Machine#merge}: an override of "" removes the
 * key). The overrides are read before the first registration, so a restart never announces the machine
 * without them (the engine would move the units that depend on them away, then back); then watched,
 * and every change is announced on the current registration. What cannot be announced (not registered,
 * etcd away, refused) is tried again every second until it is.
 */
final class MetadataOverrides implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataOverrides.class);
    private static final long RETRY_MS = 1000;

    /** Where the merged metadata goes: the membership. */
    interface Target {
        /** The machine as announced now. */
        Machine machine();

        /** The current registration, null before the first. */
        MachinePresence current();

        /** Announces on the current registration; throws if it can't. */
        void update(Machine machine);
    }

    private final Machines registry;
    private final String machineId;
    private final Target target;
    private final Runnable announced;
    /** Where the retries run; they block (an announcement is an etcd write). */
    private final SerialLoop retries;
    // guarded by this
    private Map<String, String> configured;
    /** Key to value ("" = removed), as last read or watched. */
    private final Map<String, String> overrides = new TreeMap<>();
    private Subscription watch;
    private boolean retryScheduled;
    /** Whether the last announcement failed (a run of failures is logged once). */
    private boolean failing;
    private boolean closed;

    /** @param announced hears every announcement of new metadata (global units match against it) */
    MetadataOverrides(Machines registry, String machineId, Map<String, String> configured, Target target, Runnable announced,
                      Lanes lanes) {
        this.registry = registry;
        this.retries = lanes.lane("flotilla-agent-metadata");
        this.machineId = machineId;
        this.configured = Map.copyOf(configured);
        this.target = target;
        this.announced = announced;
    }

    /** Reads the overrides (before a first registration): the metadata to register with. */
    synchronized Map<String, String> read() {
        Map<String, String> stored = registry.metadataOverrides(machineId).value();
        overrides.clear();
        overrides.putAll(stored);
        return merged();
    }

    /** Once registered: follows the overrides and announces each change. */
    synchronized void watch() {
        if (!closed && watch == null) {
            watch = registry.watchMetadataOverrides(machineId, this::onOverrides);
        }
    }

    /**
     * The configured metadata changed (SIGHUP): announces it with the overrides laid over it.
     *
     * @return whether the announced metadata changed now (false: unchanged, or tried again every second)
     */
    synchronized boolean configure(Map<String, String> metadata) {
        configured = Map.copyOf(metadata);
        return announce("reload");
    }

    private synchronized void onOverrides(WatchEvent<String> event) {
        event.applyTo(overrides);
        announce("metadata override");
    }

    private Map<String, String> merged() {
        return Machine.merge(configured, overrides);
    }

    /** Announces the merged metadata; true if it changed and was announced. */
    private boolean announce(String why) {
        if (closed) {
            return false;
        }
        MachinePresence p = target.current();
        if (p == null || p.state() == ConnectionState.LOST) {
            failed(why, "the machine is not registered");
            return false;
        }
        Machine machine = target.machine();
        Machine updated = machine.withMetadata(merged());
        if (updated.equals(machine)) {
            failing = false;
            log.info("{}: metadata unchanged {}", why, machine.metadata());
            return false;
        }
        try {
            target.update(updated);
        } catch (RuntimeException e) {
            failed(why, "metadata " + updated.metadata() + " refused: " + e.getMessage());
            return false;
        }
        failing = false;
        log.info("{}: metadata is now {}", why, updated.metadata());
        announced.run();
        return true;
    }

    /** Logs the first failure of a run of them, and tries again a second later until it is announced. */
    private void failed(String why, String reason) {
        if (!failing) {
            log.warn("{}: not announced yet ({}); trying again every second, metadata stays {}", why, reason,
                    target.machine().metadata());
            failing = true;
        }
        if (!retryScheduled) {
            retryScheduled = true;
            try {
                retries.schedule(() -> {
                    synchronized (this) {
                        retryScheduled = false;
                        announce("metadata announcement retried");
                    }
                }, RETRY_MS);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
    }

    @Override
    public void close() {
        Subscription w;
        synchronized (this) {
            closed = true;
            w = watch;
            watch = null;
        }
        if (w != null) {
            w.close(); // not under the lock: closing waits for the watch thread, which may be waiting for it
        }
        retries.shutdownNow();
    }
}
