package dev.flotilla.flotd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemdNotifierTest {
    private static final long PID = 4242;
    private static final Map<String, String> UNDER_SYSTEMD = Map.of("NOTIFY_SOCKET", "/run/systemd/notify");

    private final List<List<String>> sent = new CopyOnWriteArrayList<>();
    private SystemdNotifier notifier;

    private SystemdNotifier notifier(Map<String, String> env) {
        notifier = new SystemdNotifier(env, PID, sent::add);
        return notifier;
    }

    @AfterEach
    void close() {
        if (notifier != null) {
            notifier.close();
        }
    }

    private long watchdogPings() {
        return sent.stream().filter(m -> m.equals(List.of(SystemdNotifier.WATCHDOG))).count();
    }

    @Test
    void readyAndStoppingAreOneMessageEachWithAStatusLine() {
        SystemdNotifier n = notifier(UNDER_SYSTEMD);
        n.ready("machine abc joined\nthe cluster");
        n.stopping();
        assertEquals(List.of(
                List.of("READY=1", "STATUS=machine abc joined the cluster"),
                List.of("STOPPING=1", "STATUS=stopping")), sent);
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNoWatchdogRuns() {
        Map<String, String> env = Map.of("WATCHDOG_USEC", "20000");
        SystemdNotifier n = notifier(env);
        AtomicInteger checks = new AtomicInteger();
        n.ready("up");
        n.statusUpdate("x");
        n.stopping();
        n.startWatchdog(() -> checks.incrementAndGet() > 0);
        assertFalse(n.enabled());
        assertEquals(Optional.empty(), n.watchdogInterval());
        assertEquals(List.of(), sent);
        assertEquals(0, checks.get());
    }

    @Test
    void theWatchdogIntervalIsHalfOfWatchdogUsecAndOnlyForThisPid() {
        assertEquals(Optional.of(Duration.ofSeconds(15)),
                SystemdNotifier.watchdogPingInterval(Map.of("WATCHDOG_USEC", "30000000"), PID));
        assertEquals(Optional.of(Duration.ofSeconds(15)),
                SystemdNotifier.watchdogPingInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "4242"), PID));
        assertEquals(Optional.empty(),
                SystemdNotifier.watchdogPingInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"), PID));
        assertEquals(Optional.empty(), SystemdNotifier.watchdogPingInterval(Map.of(), PID));
        assertEquals(Optional.empty(), SystemdNotifier.watchdogPingInterval(Map.of("WATCHDOG_USEC", "0"), PID));
        assertEquals(Optional.empty(), SystemdNotifier.watchdogPingInterval(Map.of("WATCHDOG_USEC", "soon"), PID));
    }

    @Test
    void theCommandSendsOnBehalfOfThePid() {
        assertEquals(List.of("systemd-notify", "--pid=4242", "READY=1", "STATUS=up and running"),
                SystemdNotifier.command(PID, List.of("READY=1", "STATUS=up and running")));
        assertThrows(IllegalArgumentException.class, () -> SystemdNotifier.command(PID, List.of("READY")));
        assertThrows(IllegalArgumentException.class, () -> SystemdNotifier.command(PID, List.of("A=1\nB=2")));
    }

    @Test
    void theWatchdogIsFedOnlyWhileHealthy() {
        SystemdNotifier n = notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "20000"));
        assertEquals(Optional.of(Duration.ofMillis(10)), n.watchdogInterval());
        AtomicBoolean healthy = new AtomicBoolean(true);
        AtomicInteger unhealthyChecks = new AtomicInteger();
        n.startWatchdog(() -> {
            boolean h = healthy.get();
            if (!h) {
                unhealthyChecks.incrementAndGet();
            }
            return h;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> watchdogPings() >= 3);

        healthy.set(false);
        // Pings and checks run on one thread: after the first unhealthy check no ping is in flight.
        await().atMost(Duration.ofSeconds(10)).until(() -> unhealthyChecks.get() >= 1);
        long atFirstUnhealthyCheck = watchdogPings();
        await().atMost(Duration.ofSeconds(10)).until(() -> unhealthyChecks.get() >= 5);
        assertEquals(atFirstUnhealthyCheck, watchdogPings(), "pinged while unhealthy");

        healthy.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> watchdogPings() > atFirstUnhealthyCheck);
    }

    @Test
    void aFailingTransportIsLoggedNotThrown() {
        SystemdNotifier n = new SystemdNotifier(UNDER_SYSTEMD, PID, m -> {
            throw new IOException("systemd-notify exited with 1");
        });
        n.ready("up");
        n.stopping();
        assertTrue(n.enabled());
    }
}
