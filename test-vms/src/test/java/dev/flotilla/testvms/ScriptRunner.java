package dev.flotilla.testvms;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host command for the harness: input from /dev/null, output gathered in temporary files
 * (a pipe nobody reads could fill and stall a chatty script), bounded by a timeout.
 */
final class ScriptRunner {
    private ScriptRunner() {
    }

    /**
     * @param env      variables added to this JVM's environment
     * @param killTree on timeout, kill the command's descendants too (for commands run in machines;
     *                 never for a bring-up, whose descendants are the machines themselves)
     * @param shownAs  the command as a timeout message names it
     * @return exit code and output; 124 with a {@code [harness] timed out} line on stderr after the bound
     */
    static CommandResult run(List<String> cmd, Map<String, String> env, Duration timeout, boolean killTree, String shownAs) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("flotilla-harness-", ".out");
            err = Files.createTempFile("flotilla-harness-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                if (killTree) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                }
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new CommandResult(124, read(out),
                        read(err) + "\n[harness] timed out after " + timeout.toSeconds() + " s: " + shownAs);
            }
            return new CommandResult(p.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("can't run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while running " + cmd, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
