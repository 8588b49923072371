package dev.flotilla.testvms;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scripts parse and answer without root and without a cluster (no machines are booted). */
class ClusterScriptTest {
    @TempDir
    Path stateDir;

    private CommandResult run(String... cmd) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(all).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("FLOTILLA_CLUSTER_DIR", stateDir.resolve("none").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new CommandResult(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void scriptsAreValidBash() throws Exception {
        Path script = Cluster.locateScript();
        assertEquals(0, run("bash", "-n", script.toString()).exitCode());
        assertEquals(0, run("bash", "-n", script.resolveSibling("setup-host").toString()).exitCode());
    }

    @Test
    void helpListsTheCommands() throws Exception {
        CommandResult r = run("bash", Cluster.locateScript().toString(), "--help");
        assertEquals(0, r.exitCode(), r::toString);
        for (String c : List.of("up N", "down", "status", "exec <m>", "kill <m>", "stop <m>", "start <m>",
                "freeze <m>", "leader", "endpoint <m>", "etcd-restart", "etcd-kill [K]", "etcd-leader", "--etcd-members",
                "--insecure-api", "--flotd-conf", "logs <m>")) {
            assertTrue(r.stdout().contains(c), () -> "help misses " + c + ":\n" + r.stdout());
        }
    }

    @Test
    void noClusterAndUnknownCommandsFail() throws Exception {
        CommandResult status = run("bash", Cluster.locateScript().toString(), "status");
        assertEquals(1, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("no cluster"), status::toString);

        CommandResult unknown = run("bash", Cluster.locateScript().toString(), "frobnicate");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.stderr().contains("unknown command"), unknown::toString);

        CommandResult leader = run("bash", Cluster.locateScript().toString(), "leader");
        assertTrue(leader.exitCode() != 0 && leader.stderr().contains("no cluster"), leader::toString);
    }

    @Test
    void badUpOptionsAreRefusedBeforeAnythingStarts() throws Exception {
        CommandResult members = run("bash", Cluster.locateScript().toString(), "up", "3", "--etcd-members", "9");
        assertEquals(1, members.exitCode(), members::toString);
        assertTrue(members.stderr().contains("--etcd-members must be 1..7"), members::toString);

        CommandResult conf = run("bash", Cluster.locateScript().toString(), "up", "3", "--flotd-conf", "capacity_memory=\"1G\"");
        assertEquals(1, conf.exitCode(), conf::toString);
        assertTrue(conf.stderr().contains("--flotd-conf"), conf::toString);

        CommandResult kill = run("bash", Cluster.locateScript().toString(), "etcd-kill", "2");
        assertTrue(kill.exitCode() != 0 && kill.stderr().contains("no cluster"), kill::toString);
    }
}
