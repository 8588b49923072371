package dev.flotilla.systemd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process-based inspector with shell scripts standing in for systemctl and journalctl. */
class ProcessUnitInspectorTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final long WAIT = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;
    private ProcessUnitInspector inspector;

    @AfterEach
    void close() throws IOException {
        if (inspector != null) {
            inspector.close();
        }
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Both commands run {@code script} with $1 = unit, $2 = lines, $3 = follow; it may record its pid with "rec". */
    private ProcessUnitInspector running(String script) {
        String full = "rec() { echo $$ >> " + dir.resolve("pids") + "; }; " + script;
        inspector = new ProcessUnitInspector(unit -> List.of("/bin/sh", "-c", full, "status", unit),
                (unit, lines, follow) -> List.of("/bin/sh", "-c", full, "journal", unit, Integer.toString(lines),
                        Boolean.toString(follow)));
        return inspector;
    }

    private List<Long> pids() throws IOException {
        Path file = dir.resolve("pids");
        return Files.exists(file)
                ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList()
                : List.of();
    }

    private boolean anyAlive() throws IOException {
        return pids().stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    private static String readAll(UnitInspector.Output out) throws InterruptedException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (byte[] chunk = out.next(WAIT); chunk != UnitInspector.Output.END; chunk = out.next(WAIT)) {
            assertNotNull(chunk, "output within 30 s");
            text.writeBytes(chunk);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusGivesTheTextAndTheExitCode() throws Exception {
        UnitInspector.Status s = running("echo \"$0 $1\"; echo oops >&2; exit 3").status("a.service", LONG);
        assertEquals(new UnitInspector.Status.Done("status a.service\noops\n", 3), s);
    }

    @Test
    void aStatusPastItsTimeLimitTimesOutAndIsKilled() throws Exception {
        ProcessUnitInspector i = running("rec; echo started; exec sleep 600");
        UnitInspector.Status s = i.status("slow.service", Duration.ofMillis(500));
        UnitInspector.Status.TimedOut t = assertInstanceOf(UnitInspector.Status.TimedOut.class, s);
        assertEquals(List.of("/bin/sh", "-c"), t.command().subList(0, 2));
        assertEquals("slow.service", t.command().get(t.command().size() - 1));
        assertEquals(1, pids().size());
        await().atMost(Duration.ofSeconds(20)).until(() -> !anyAlive());
    }

    @Test
    void aStatusWhoseOutputEndedButThatDoesNotExitHasExitCodeMinusOneAndIsKilled() throws Exception {
        ProcessUnitInspector i = running("rec; echo bye; exec >&- 2>&-; exec sleep 600");
        assertEquals(new UnitInspector.Status.Done("bye\n", -1), i.status("x.service", Duration.ofMillis(500)));
        await().atMost(Duration.ofSeconds(20)).until(() -> !anyAlive());
    }

    @Test
    void statusTextIsCappedAtOneMebibyte() throws Exception {
        // 1.5 MiB of 'a': read to the end (the command is not stuck on its pipe), kept up to the cap.
        UnitInspector.Status s = running("head -c 1572864 /dev/zero | tr '\\0' a").status("big.service", LONG);
        UnitInspector.Status.Done d = assertInstanceOf(UnitInspector.Status.Done.class, s);
        assertEquals(ProcessUnitInspector.MAX_STATUS_BYTES, d.text().length());
        assertEquals(0, d.exitCode());
    }

    @Test
    void theJournalStreamsItsOutputToTheEnd() throws Exception {
        try (UnitInspector.Output out = running("echo \"$0 $1 $2 $3\"; echo second").journal("j.service", 42, false)) {
            assertEquals("journal j.service 42 false\nsecond\n", readAll(out));
            assertEquals("journal", out.command().get(3));
        }
    }

    @Test
    void aFollowedJournalStaysOpenUntilClosedWhichKillsIt() throws Exception {
        ProcessUnitInspector i = running("rec; echo \"first $3\"; exec sleep 600");
        UnitInspector.Output out = i.journal("f.service", 10, true);
        assertEquals("first true\n", new String(out.next(WAIT), StandardCharsets.UTF_8));
        assertEquals(null, out.next(TimeUnit.MILLISECONDS.toNanos(200)), "quiet: no chunk, no end");
        assertEquals(1, i.running());
        out.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> !anyAlive() && i.running() == 0);
    }

    @Test
    void closingTheInspectorEndsRunningJournals() throws Exception {
        ProcessUnitInspector i = running("rec; echo up; exec sleep 600");
        try (UnitInspector.Output out = i.journal("f.service", 10, true)) {
            assertEquals("up\n", new String(out.next(WAIT), StandardCharsets.UTF_8));
            i.close();
            assertSame(UnitInspector.Output.END, out.next(WAIT), "the output ends once the command is stopped");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !anyAlive());
    }

    @Test
    void aCommandThatCannotStartIsAnIOExceptionNamingIt() {
        inspector = new ProcessUnitInspector(unit -> List.of(dir.resolve("no-such-systemctl").toString(), unit),
                (unit, lines, follow) -> List.of(dir.resolve("no-such-journalctl").toString(), unit));
        IOException status = assertThrows(IOException.class, () -> inspector.status("a.service", LONG));
        assertTrue(status.getMessage().startsWith("cannot run " + dir.resolve("no-such-systemctl") + ": "), status.getMessage());
        IOException journal = assertThrows(IOException.class, () -> inspector.journal("a.service", 1, false));
        assertTrue(journal.getMessage().startsWith("cannot run " + dir.resolve("no-such-journalctl") + ": "), journal.getMessage());
    }

    @Test
    void systemdsToolsWithArgumentsNeverAShell() {
        assertEquals(List.of("systemctl", "status", "--no-pager", "--full", "--lines=10", "--", "a.service"),
                ProcessUnitInspector.SYSTEMCTL_STATUS.apply("a.service"));
        assertEquals(List.of("journalctl", "--no-pager", "--lines=5", "--unit", "a.service"),
                ProcessUnitInspector.JOURNALCTL.of("a.service", 5, false));
        assertEquals(List.of("journalctl", "--no-pager", "--lines=5", "--follow", "--unit", "a.service"),
                ProcessUnitInspector.JOURNALCTL.of("a.service", 5, true));
    }
}
