package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket-activated container example, read as the agent reads it (the real run is in AgentOnRealSystemdTest). */
class ExampleUnitsTest {
    static final Path EXAMPLE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
            .resolve("../examples/socket-activated-container").normalize();

    @TempDir
    Path tmp;

    @Test
    void theSocketStartsAndSystemdActivatesTheTemplateOnTheSameMachine() throws IOException {
        UnitRecord socket = record("web.socket");
        UnitRecord service = record("web@.service");
        UnitFacts socketFacts = UnitFacts.of(socket);
        UnitFacts serviceFacts = UnitFacts.of(service);
        assertTrue(socketFacts.readable() && serviceFacts.readable(), socketFacts.problem() + " " + serviceFacts.problem());
        assertEquals("web@.service", socketFacts.activates().orElseThrow());
        assertEquals(List.of("web.socket"), serviceFacts.fleet().machineOf(), "the pair is placed together");
        assertTrue(UnitFile.parse("web@.service", service.text()).warnings().isEmpty());

        String m = "e".repeat(32);
        DesiredSet d = DesiredSets.build(List.of(new Assignment(m, "web.socket", socket.hash(), DesiredState.LAUNCHED),
                        new Assignment(m, "web@.service", service.hash(), DesiredState.LAUNCHED)),
                Map.of("web.socket", socket, "web@.service", service), List.of(), Map.of(), Set.of());
        assertEquals(Goal.LAUNCHED, d.units().get("web.socket").goal());
        assertEquals(Goal.ACTIVATED, d.units().get("web@.service").goal());
    }

    static UnitRecord record(String name) throws IOException {
        String text = Files.readString(EXAMPLE.resolve(name));
        return new UnitRecord(name, text, UnitFile.hashOf(text), DesiredState.LAUNCHED);
    }

    @Test
    void theRootfsScriptBuildsWhatNspawnNeeds() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed");
        Path rootfs = tmp.resolve("rootfs");
        Process p = new ProcessBuilder(EXAMPLE.resolve("build-rootfs.sh").toString(), rootfs.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.isExecutable(rootfs.resolve("bin/busybox")));
        assertTrue(Files.isDirectory(rootfs.resolve("usr")));
        assertTrue(Files.exists(rootfs.resolve("etc/os-release")));
        assertTrue(Files.readString(rootfs.resolve("www/index.html")).contains("Hello from a socket-activated container"));
    }
}
