package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.OutputStream;
import java.io.PrintWriter;

@Command(name = "journal", mixinStandardHelpOptions = true,
        description = "Print a unit's journal ('journalctl -u'), read on its machine by that machine's flotd (no ssh).")
final class JournalCommand extends ClusterCommand {
    @Parameters(paramLabel = "UNIT", description = "The unit (.service is added when it has no unit suffix).")
    String unit;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
            description = "Number of recent lines (default: ${DEFAULT-VALUE}; at most 10000).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Override
    int run(FlotillaClient client) {
        if (lines < 0 || lines > 10_000) {
            throw new FlotctlMain.UsageError("--lines must be from 0 to 10000");
        }
        String name = UnitArguments.nameOf(unit);
        OutputStream sink = new WriterStream(out());
        try {
            UnitMachine.call(root, client, name, c -> {
                c.journal(name, lines, follow, sink);
                return null;
            });
        } finally {
            try {
                sink.close();
            } catch (java.io.IOException e) {
                // a PrintWriter does not throw
            }
        }
        return 0;
    }

    /** The journal's bytes (UTF-8) onto the command's writer. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter out;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            // only whole lines: a multi-byte character is never cut in two
            byte[] all = pending.toByteArray();
            int end = all.length;
            while (end > 0 && all[end - 1] != '\n') {
                end--;
            }
            out.write(new String(all, 0, end, java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            pending.reset();
            pending.write(all, end, all.length - end);
        }

        @Override
        public void close() {
            byte[] rest = pending.toByteArray();
            out.write(new String(rest, java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            pending.reset();
        }
    }
}
