package dev.flotilla.testvms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A command on this host that keeps running (flotctl events, flotctl journal -f): its stdout and
 * stderr lines are collected as they come; {@link #close} ends it (SIGTERM, then SIGKILL) with
 * whatever it started.
 */
public final class FollowedCommand implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();

    private FollowedCommand(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        pump(process.getInputStream(), out, "stdout");
        pump(process.getErrorStream(), err, "stderr");
    }

    public static FollowedCommand start(List<String> command) {
        try {
            return new FollowedCommand(command, new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start());
        } catch (IOException e) {
            throw new UncheckedIOException("can't run " + command, e);
        }
    }

    private void pump(InputStream in, List<String> into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException e) {
                into.add("[harness] " + name + " read failed: " + e.getMessage());
            }
        }, "followed-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** stdout lines so far. */
    public List<String> lines() {
        return List.copyOf(out);
    }

    /** stderr lines so far. */
    public List<String> errors() {
        return List.copyOf(err);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the command (SIGTERM, after 10 s SIGKILL) and returns its exit code. */
    public int stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
    }
}
