package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flotd in a JVM of its own, for its real exit status: an {@code api_socket} that exists and is
 * not a socket is a configuration error (exit 2) found before anything starts, and the file is
 * left as it was.
 */
class FlotdApiSocketTest {
    @TempDir
    Path dir;

    private record Exit(int status, String err) {
    }

    private Exit flotd(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), FlotdMain.class.getName(),
                "--config=" + Files.writeString(dir.resolve("flotd.conf"), "# empty\n"),
                // Nothing must be reached: etcd is a closed port, the state stays in the test's folder.
                "--etcd-endpoints=http://127.0.0.1:9", "--state-dir=" + dir.resolve("state"),
                "--machine-id-file=" + Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n"),
                "--unit-dir=" + dir.resolve("units"), "--systemd=off"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "flotd ended");
        return new Exit(p.exitValue(), err);
    }

    @Test
    void anApiSocketThatIsARegularFileIsRefusedWithExitTwoAndKept() throws Exception {
        Path precious = Files.writeString(dir.resolve("precious.db"), "keep me\n");
        Exit e = flotd("--api-socket=" + precious);
        assertEquals(2, e.status(), e.err());
        assertTrue(e.err().contains("api_socket") && e.err().contains(precious.toString())
                && e.err().contains("a regular file, not a socket"), e.err());
        assertEquals("keep me\n", Files.readString(precious));
        assertTrue(Files.notExists(dir.resolve("state")), "nothing was started");
    }

    @Test
    void anApiSocketThatIsAFolderIsRefusedToo() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("run"));
        Exit e = flotd("--api-socket=" + folder);
        assertEquals(2, e.status(), e.err());
        assertTrue(e.err().contains("a folder, not a socket"), e.err());
        assertTrue(Files.isDirectory(folder));
    }
}
