package dev.flotilla.flotd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Tells systemd how the daemon is doing (the sd_notify protocol of a {@code Type=notify} unit):
 * {@code READY=1} once the machine is registered and the API listens, {@code STOPPING=1} when the
 * shutdown begins, {@code WATCHDOG=1} at half the unit's {@code WatchdogSec=} while the daemon is
 * healthy. Without {@code $NOTIFY_SOCKET} (not started by systemd) every call does nothing.
 *
 * <p>How messages travel: {@code $NOTIFY_SOCKET} is a unix datagram socket and Java 17 has no
 * unix datagram channels, so messages go through systemd's own {@code systemd-notify} binary with
 * {@code --pid=<this JVM>}. Running as root, systemd-notify sends them with this process's
 * credentials (SCM_CREDENTIALS), so systemd attributes them to the unit's main PID even when the
 * short-lived sender has already exited; that is why the unit can use {@code NotifyAccess=main}.
 * Checked against systemd 252 in an nspawn machine: 25 of 25 starts of flotd.service, and 75 of
 * 75 of a test service (50 under CPU load); a sender from a grandchild without {@code --pid} was
 * refused, with it accepted. A sender that used its own PID would race with its own exit
 * (systemd can then no longer find its unit). A native library (JNA) would spare the extra
 * process but is a new dependency; a ping costs one short process every {@code WatchdogSec/2}.
 */
final class SystemdNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    static final String READY = "READY=1";
    static final String STOPPING = "STOPPING=1";
    static final String WATCHDOG = "WATCHDOG=1";

    /** How a message reaches systemd: one datagram of newline-separated assignments. */
    interface Transport {
        void send(List<String> assignments) throws IOException;
    }

    private final boolean enabled;
    private final Optional<Duration> watchdogInterval;
    private final Transport transport;
    private ScheduledExecutorService watchdog;
    private boolean warnedUnhealthy;

    SystemdNotifier(Map<String, String> env, long pid, Transport transport) {
        this.enabled = notifySocket(env).isPresent();
        this.watchdogInterval = enabled ? watchdogPingInterval(env, pid) : Optional.empty();
        this.transport = transport;
    }

    /** For this process, from its environment, through {@code systemd-notify}. */
    static SystemdNotifier fromEnvironment() {
        long pid = ProcessHandle.current().pid();
        return new SystemdNotifier(System.getenv(), pid, new SystemdNotifyCommand(pid));
    }

    // ------------------------------------------------------------------ pure parts

    static Optional<String> notifySocket(Map<String, String> env) {
        String s = env.get("NOTIFY_SOCKET");
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    /**
     * Half of {@code WATCHDOG_USEC} (systemd's advice), if the watchdog is enabled for this
     * process: {@code WATCHDOG_PID}, when set, must be this PID.
     */
    static Optional<Duration> watchdogPingInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) {
            return Optional.empty();
        }
        String forPid = env.get("WATCHDOG_PID");
        if (forPid != null && !forPid.isBlank() && !forPid.strip().equals(Long.toString(pid))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.strip());
            return micros <= 0 ? Optional.empty() : Optional.of(Duration.ofNanos(micros * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A STATUS= assignment: one line, as systemctl status shows it. */
    static String status(String text) {
        return "STATUS=" + text.replaceAll("[\\r\\n]+", " ").strip();
    }

    /** The systemd-notify command line that sends these assignments on behalf of {@code pid}. */
    static List<String> command(long pid, List<String> assignments) {
        List<String> cmd = new ArrayList<>();
        cmd.add("systemd-notify");
        cmd.add("--pid=" + pid);
        for (String a : assignments) {
            if (a.indexOf('=') <= 0 || a.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("not a single-line KEY=VALUE assignment: " + a);
            }
            cmd.add(a);
        }
        return cmd;
    }

    // ------------------------------------------------------------------ notifications

    boolean enabled() {
        return enabled;
    }

    Optional<Duration> watchdogInterval() {
        return watchdogInterval;
    }

    /** The daemon is up: systemd moves the unit from "activating" to "active". */
    void ready(String statusText) {
        send(List.of(READY, status(statusText)));
    }

    /** The shutdown has begun. */
    void stopping() {
        send(List.of(STOPPING, status("stopping")));
    }

    /** Updates the one-line status systemctl shows. */
    void statusUpdate(String statusText) {
        send(List.of(status(statusText)));
    }

    /**
     * Pings the watchdog every {@link #watchdogInterval()} while {@code healthy} says so; an
     * unhealthy daemon stops pinging, and systemd restarts it once {@code WatchdogSec} passed.
     */
    synchronized void startWatchdog(BooleanSupplier healthy) {
        if (watchdogInterval.isEmpty() || watchdog != null) {
            return;
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotd-watchdog");
            t.setDaemon(true);
            return t;
        });
        long nanos = watchdogInterval.get().toNanos();
        watchdog.scheduleAtFixedRate(() -> ping(healthy), 0, nanos, TimeUnit.NANOSECONDS);
        log.debug("feeding the systemd watchdog every {} ms", nanos / 1_000_000);
    }

    private void ping(BooleanSupplier healthy) {
        boolean ok;
        try {
            ok = healthy.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            if (!warnedUnhealthy) {
                warnedUnhealthy = true;
                log.warn("daemon unhealthy: no longer feeding the systemd watchdog");
            }
            return;
        }
        warnedUnhealthy = false;
        send(List.of(WATCHDOG));
    }

    private void send(List<String> assignments) {
        if (!enabled) {
            return;
        }
        try {
            transport.send(assignments);
        } catch (IOException e) {
            log.warn("cannot notify systemd ({}): {}", String.join(" ", assignments), e.getMessage());
        }
    }

    /** Stops the watchdog pings (the daemon is going away). */
    @Override
    public synchronized void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
            watchdog = null;
        }
    }

    /** Sends through {@code systemd-notify --pid=<pid>}, waiting for it to finish. */
    static final class SystemdNotifyCommand implements Transport {
        private static final Duration TIMEOUT = Duration.ofSeconds(10);
        private final long pid;

        SystemdNotifyCommand(long pid) {
            this.pid = pid;
        }

        @Override
        public void send(List<String> assignments) throws IOException {
            // stdin from /dev/null: fd 0 of this JVM may be the API's listening socket.
            Process p = new ProcessBuilder(command(pid, assignments))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            try (InputStream out = p.getInputStream()) {
                String text = new String(out.readNBytes(4096), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("systemd-notify did not finish within " + TIMEOUT.toSeconds() + " s");
                }
                if (p.exitValue() != 0) {
                    throw new IOException("systemd-notify exited with " + p.exitValue()
                            + (text.isEmpty() ? "" : ": " + text));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while running systemd-notify", e);
            }
        }
    }
}
