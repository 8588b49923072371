package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachineIdConflictException;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Machines;
import dev.flotilla.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.SerialLoop;

import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * This machine's registration over time. A lost lease is final for its presence object, so after
 * LOST this registers again at once, then after each failure again {@code registerRetry} later
 * (spread, see {@link #retryDelayMs}), until it works; the listener then learns whether the lease
 * was resumed (the cluster never saw the machine leave) or is new.
 *
 * <p>Its lane blocks: a registration waits for etcd (up to {@code conflictWait} when the id is
 * still held), and the listener's {@code registered} runs there too.
 *
 * <p>The announced metadata is the configured one with the API's overrides laid over it
 * ({@link MetadataOverrides}).
 *
 * <p>A lost presence is never closed: closing revokes its lease, and a resumed registration may be
 * holding that very lease again.
 */
final class Membership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    interface Listener {
        /** A registration after a lost one (never the first). Registry thread. */
        void registered(MachinePresence presence);

        /** The current registration's state changed. Registry thread. */
        void stateChanged(MachinePresence presence, ConnectionState state);

        /** New metadata was announced (configured or overridden). Any thread. */
        default void metadataAnnounced() {
        }
    }

    /** Only the machines' part of the registry: registrations and metadata overrides. */
    private final Machines registry;
    private final AgentConfig config;
    private final Listener listener;
    private final SerialLoop thread;
    /** Uniform in [0, 1): the spread of each retry. */
    private final DoubleSupplier random;
    private volatile MachinePresence current;
    /** The machine as announced; changes with {@link #update}. */
    private volatile Machine machine;
    private volatile boolean closed;
    private volatile boolean retryLogged;
    private final MetadataOverrides metadata;

    /** @param config its machine carries the configured metadata; the overrides are laid over it */
    Membership(Machines registry, AgentConfig config, Listener listener) {
        this(registry, config, listener, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1), spreads the retries (a test makes it predictable) */
    Membership(Machines registry, AgentConfig config, Listener listener, DoubleSupplier random) {
        this.registry = registry;
        this.config = config;
        this.listener = listener;
        this.random = random;
        this.thread = config.lanes().lane("flotilla-agent-presence");
        this.machine = config.machine();
        this.metadata = new MetadataOverrides(registry, machine.id(), machine.metadata(), new MetadataOverrides.Target() {
            @Override
            public Machine machine() {
                return machine;
            }

            @Override
            public MachinePresence current() {
                return current;
            }

            @Override
            public void update(Machine updated) {
                Membership.this.update(updated);
            }
        }, listener::metadataAnnounced, config.lanes());
    }

    /**
     * The wait before the next attempt: {@code registerRetry} x a uniform factor in [0.5, 1.5).
     * Machines that lost their leases together (an etcd restart, a loaded host) would otherwise
     * retry in lockstep, every second, all at once; spread over a second they come as a steady
     * stream. Uniform around the configured value rather than an exponential backoff: the mean
     * stays {@code registerRetry}, so a lone machine is back as soon as before, and each attempt
     * already waits for etcd's answer (a slow etcd slows the retries by itself).
     */
    long retryDelayMs() {
        double factor = 0.5 + Math.min(Math.max(random.getAsDouble(), 0), 1);
        return Math.round(config.registerRetry().toMillis() * factor);
    }

    /**
     * The configured metadata changed (SIGHUP): announces it with the overrides laid over it; what
     * cannot be announced now is tried again every second.
     *
     * @return whether the announced metadata changed now
     */
    boolean configureMetadata(Map<String, String> configured) {
        return metadata.configure(configured);
    }

    Machine machine() {
        return machine;
    }

    /** Announces the machine anew on the current registration; later registrations use it too. */
    synchronized void update(Machine updated) {
        if (!updated.id().equals(machine.id())) {
            throw new IllegalArgumentException("a machine cannot change its id");
        }
        MachinePresence p = current;
        if (p == null || p.state() == ConnectionState.LOST) {
            throw new IllegalStateException("the machine is not registered right now");
        }
        p.update(updated);
        machine = updated;
    }

    /**
     * The first registration, on the caller's thread: a duplicate machine id fails here. Any other
     * registry failure (etcd not answering within a lease grant's bound of a third of the TTL, as
     * a daemon's very first etcd call on a loaded host often does) is retried every
     * {@code registerRetry} for up to {@code conflictWait}, then thrown.
     */
    MachinePresence registerFirst() {
        long deadline = System.nanoTime() + config.conflictWait().toNanos();
        MachinePresence p;
        while (true) {
            try {
                // The overrides first: a restart never announces the machine without them.
                machine = machine.withMetadata(metadata.read());
                p = registry.register(machine, config.machineTtl(), config.session(), config.conflictWait());
                break;
            } catch (MachineIdConflictException e) {
                throw e;
            } catch (RegistryException e) {
                long retryMs = retryDelayMs();
                long retry = TimeUnit.MILLISECONDS.toNanos(retryMs);
                if (System.nanoTime() + retry >= deadline) {
                    throw e;
                }
                log.warn("cannot register yet: {}; retrying in {} ms", e.getMessage(), retryMs);
                try {
                    TimeUnit.NANOSECONDS.sleep(retry); // the retry delay, on the starting thread
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        current = p;
        follow(p);
        metadata.watch();
        return p;
    }

    MachinePresence current() {
        return current;
    }

    private void follow(MachinePresence p) {
        p.onStateChange(state -> {
            if (current != p || closed) {
                return;
            }
            listener.stateChanged(p, state);
            if (state == ConnectionState.LOST) {
                log.warn("machine lease lost: units keep running; registering again every {} ms or so",
                        config.registerRetry().toMillis());
                retryLogged = false;
                schedule(0);
            }
        });
        if (p.state() == ConnectionState.LOST) { // lost before the listener was in place
            listener.stateChanged(p, ConnectionState.LOST);
            schedule(0);
        }
    }

    private void schedule(long delayMs) {
        try {
            thread.schedule(this::attempt, delayMs);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void attempt() {
        if (closed) {
            return;
        }
        MachinePresence p;
        long started = System.nanoTime();
        try {
            p = registry.register(machine, config.machineTtl(), config.session(), config.conflictWait());
        } catch (MachineIdConflictException e) {
            if (!retryLogged) {
                log.error("cannot register again: {}", e.getMessage());
                retryLogged = true;
            }
            schedule(retryDelayMs());
            return;
        } catch (RegistryException e) {
            if (!retryLogged) {
                log.warn("cannot register again yet: {}; retrying every {} ms or so", e.getMessage(),
                        config.registerRetry().toMillis());
                retryLogged = true;
            } else {
                log.debug("cannot register again yet: {}", e.getMessage());
            }
            // An attempt that waited out its bound tries again at once: one is then always waiting
            // for etcd, and is answered the moment etcd serves again.
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            schedule(Math.max(0, retryDelayMs() - waitedMs));
            return;
        }
        if (closed) {
            p.close();
            return;
        }
        log.info("machine registered again: {}", p.resumed()
                ? "it resumed its living lease, so the cluster never saw it leave"
                : "with a new lease (the old one had expired)");
        current = p;
        listener.registered(p);
        follow(p);
    }

    /** Stops registering and following the overrides; the current presence is left to the caller to close. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        metadata.close();
    }
}
