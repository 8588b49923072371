package dev.flotilla.systemd;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Shows a unit of this machine as systemd's own tools do: {@code systemctl status} and
 * {@code journalctl -u}. The unit name was checked by the caller. What the caller does with the
 * output (answering, probing a quiet client, its own limits) is its own part.
 */
public interface UnitInspector extends AutoCloseable {

    /** systemctl and journalctl, as on every machine flotd runs units on. */
    static UnitInspector systemd() {
        return new ProcessUnitInspector(ProcessUnitInspector.SYSTEMCTL_STATUS, ProcessUnitInspector.JOURNALCTL);
    }

    /**
     * The unit's status, read within {@code timeout}: the command is killed beyond it. At most
     * {@link ProcessUnitInspector#MAX_STATUS_BYTES} of its output are kept.
     *
     * @throws IOException if the command cannot be started
     */
    Status status(String unit, Duration timeout) throws IOException, InterruptedException;

    /**
     * Starts the unit's journal ({@code lines} last lines, then new ones as they come if {@code follow}).
     * The caller reads it with its own time limits; closing the output kills the command.
     *
     * @throws IOException if the command cannot be started
     */
    Output journal(String unit, int lines, boolean follow) throws IOException;

    /** Kills every command still running (a followed journal ends with its reader's server). */
    @Override
    void close();

    /** What a status command gave. */
    sealed interface Status {
        /** It ended (or its output did): its text, and its exit code, -1 if it had not exited by the deadline. */
        record Done(String text, int exitCode) implements Status {
            public Done {
                Objects.requireNonNull(text, "text");
            }
        }

        /** No end of output within the time limit; it was killed. */
        record TimedOut(List<String> command) implements Status {
            public TimedOut {
                command = List.copyOf(command);
            }
        }
    }

    /** A running command's output, read on a thread of its own. Closing it kills the command. */
    interface Output extends AutoCloseable {
        /** The end of the output. */
        byte[] END = new byte[0];

        /** The next chunk of output, {@link #END} after the last, or null if none came within {@code waitNanos}. */
        byte[] next(long waitNanos) throws InterruptedException;

        /** The command line (for messages). */
        List<String> command();

        @Override
        void close();
    }
}
