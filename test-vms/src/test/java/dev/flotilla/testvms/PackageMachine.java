package dev.flotilla.testvms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The machine {@code flt-pkg} of {@code test-vms/package-machine}: a throwaway systemd machine
 * that sees this host's whole root (its dpkg database included) through a tmpfs overlay, for
 * installing the Debian package as on a real server. Every method runs the script, so a test can
 * be replayed by hand.
 */
public final class PackageMachine implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final Path script;
    private final Path stateDir;

    private PackageMachine(Path script, Path stateDir) {
        this.script = script;
        this.stateDir = stateDir;
    }

    /**
     * Boots flt-pkg with its state in {@code stateDir} (after a {@code down} of whatever a crashed
     * earlier run left there); {@code binds} are {@code HOST:MACHINE} folders bound read-only.
     */
    public static PackageMachine boot(Path stateDir, String... binds) {
        Path script = Cluster.locateScript().resolveSibling("package-machine");
        PackageMachine m = new PackageMachine(script, stateDir);
        m.run(COMMAND_TIMEOUT, "down").requireOk("package-machine down (leftovers)");
        List<String> args = new ArrayList<>(List.of("up"));
        for (String b : binds) {
            args.add("--bind-ro=" + b);
        }
        CommandResult up = m.run(COMMAND_TIMEOUT, args.toArray(String[]::new));
        if (!up.ok()) {
            m.close();
            throw new ClusterException("package-machine up failed: " + up);
        }
        System.out.println(up.out());
        return m;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** The machine's id (its /etc/machine-id). */
    public String machineId() {
        try {
            return Files.readString(stateDir.resolve("machine-id"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command inside the machine; the result whatever its exit code. */
    public CommandResult exec(String... cmd) {
        String[] args = new String[cmd.length + 1];
        args[0] = "exec";
        System.arraycopy(cmd, 0, args, 1, cmd.length);
        return run(COMMAND_TIMEOUT, args);
    }

    /** Runs {@code sh -c script} inside the machine. */
    public CommandResult sh(String shellScript) {
        return exec("sh", "-c", shellScript);
    }

    /** flotd's journal inside the machine (for failure messages). */
    public String flotdLog() {
        CommandResult r = exec("journalctl", "--no-pager", "-o", "short-precise", "-n", "60", "-u", "flotd.service",
                "-u", "flotd.socket");
        return r.stdout() + r.stderr();
    }

    /** Clean shutdown (bounded, then killed); nothing of the machine is left running. */
    @Override
    public void close() {
        run(COMMAND_TIMEOUT, "down").requireOk("package-machine down");
    }

    private CommandResult run(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("/bin/bash");
        cmd.add(script.toString());
        cmd.add(args[0]);
        cmd.add(stateDir.toString());
        cmd.addAll(Arrays.asList(args).subList(1, args.length));
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("can't make " + stateDir, e);
        }
        // On timeout only "exec" kills its descendants (what it runs inside the machine); never
        // "up", whose descendant is the machine.
        return ScriptRunner.run(cmd, Map.of(), timeout, args[0].equals("exec"), "package-machine " + String.join(" ", args));
    }
}
