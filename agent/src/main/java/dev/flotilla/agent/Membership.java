package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachineIdConflictException;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Machines;
import dev.flotilla.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This machine's registration over time. A lost lease is final for its presence object, so after
 * LOST this registers again, every {@code registerRetry}, until it works; the listener then learns
 * whether the lease was resumed (the cluster never saw the machine leave) or is new.
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
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotilla-agent-presence");
        t.setDaemon(true);
        return t;
    });
    private volatile MachinePresence current;
    /** The machine as announced; changes with {@link #update}. */
    private volatile Machine machine;
    private volatile boolean closed;
    private volatile boolean retryLogged;
    private final MetadataOverrides metadata;

    /** @param config its machine carries the configured metadata; the overrides are laid over it */
    Membership(Machines registry, AgentConfig config, Listener listener) {
        this.registry = registry;
        this.config = config;
        this.listener = listener;
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
        }, listener::metadataAnnounced);
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
                long retry = config.registerRetry().toNanos();
                if (System.nanoTime() + retry >= deadline) {
                    throw e;
                }
                log.warn("cannot register yet: {}; retrying in {} ms", e.getMessage(), config.registerRetry().toMillis());
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
                log.warn("machine lease lost: units keep running; registering again every {} ms",
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
            thread.schedule(this::attempt, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
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
            schedule(config.registerRetry().toMillis());
            return;
        } catch (RegistryException e) {
            if (!retryLogged) {
                log.warn("cannot register again yet: {}; retrying every {} ms", e.getMessage(), config.registerRetry().toMillis());
                retryLogged = true;
            } else {
                log.debug("cannot register again yet: {}", e.getMessage());
            }
            // An attempt that waited out its bound tries again at once: one is then always waiting
            // for etcd, and is answered the moment etcd serves again.
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            schedule(Math.max(0, config.registerRetry().toMillis() - waitedMs));
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
