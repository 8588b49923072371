package dev.flotilla.systemd;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link UnitInspector} by running commands: arguments, never a shell; stdin from /dev/null, stderr
 * with stdout. A command past its time limit, or whose output is closed, is killed (SIGKILL).
 */
public final class ProcessUnitInspector implements UnitInspector {

    /** The command line that shows a unit's journal. */
    @FunctionalInterface
    public interface JournalCommand {
        List<String> of(String unit, int lines, boolean follow);
    }

    /** Status text kept of one status command; the rest is read and dropped. */
    public static final int MAX_STATUS_BYTES = 1 << 20;

    static final Function<String, List<String>> SYSTEMCTL_STATUS =
            unit -> List.of("systemctl", "status", "--no-pager", "--full", "--lines=10", "--", unit);

    static final JournalCommand JOURNALCTL = (unit, lines, follow) -> follow
            ? List.of("journalctl", "--no-pager", "--lines=" + lines, "--follow", "--unit", unit)
            : List.of("journalctl", "--no-pager", "--lines=" + lines, "--unit", unit);

    private final Function<String, List<String>> statusCommand;
    private final JournalCommand journalCommand;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    /** Runs these commands (tests stand in for systemctl and journalctl); {@link UnitInspector#systemd()} for the real ones. */
    public ProcessUnitInspector(Function<String, List<String>> statusCommand, JournalCommand journalCommand) {
        this.statusCommand = Objects.requireNonNull(statusCommand, "statusCommand");
        this.journalCommand = Objects.requireNonNull(journalCommand, "journalCommand");
    }

    @Override
    public Status status(String unit, Duration timeout) throws IOException, InterruptedException {
        List<String> command = statusCommand.apply(unit);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ProcessOutput out = new ProcessOutput(start(command), command, "status")) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (byte[] chunk = out.next(deadline - System.nanoTime()); chunk != Output.END;
                 chunk = out.next(deadline - System.nanoTime())) {
                if (chunk == null) {
                    return new Status.TimedOut(command); // killed by the close
                }
                text.write(chunk, 0, Math.min(chunk.length, MAX_STATUS_BYTES - text.size()));
            }
            Process p = out.process();
            boolean exited = p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Status.Done(text.toString(StandardCharsets.UTF_8), exited ? p.exitValue() : -1);
        }
    }

    @Override
    public Output journal(String unit, int lines, boolean follow) throws IOException {
        List<String> command = journalCommand.of(unit, lines, follow);
        return new ProcessOutput(start(command), command, "journal");
    }

    /** Commands running now. */
    int running() {
        return running.size();
    }

    @Override
    public void close() {
        running.forEach(Process::destroy);
    }

    private Process start(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            running.add(p);
            p.onExit().thenRun(() -> running.remove(p));
            return p;
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }
}
