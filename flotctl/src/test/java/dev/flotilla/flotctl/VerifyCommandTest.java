package dev.flotilla.flotctl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run verify(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = FlotctlMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void validFilesExitZeroAndWarningsArePrinted() throws Exception {
        Path good = Files.writeString(dir.resolve("web@.service"), """
                [Unit]
                Description=web %i

                [Service]
                ExecStart=/bin/sleep infinity

                [X-Fleet]
                Conflicts=web@*
                Colour=blue
                """);
        Run r = verify("verify", good.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(good + ":9: warning:"), r.out());
    }

    /** The name is the file name with .service added: 255 characters at most, as systemd and the agent need. */
    @Test
    void aUnitNameOverTheLengthLimitIsAnError() throws Exception {
        Path longest = Files.writeString(dir.resolve("a".repeat(255 - ".service".length())), "[Service]\nExecStart=/bin/true\n");
        assertEquals(0, verify("verify", longest.toString()).exit());
        Path tooLong = Files.writeString(dir.resolve("a".repeat(256 - ".service".length())), "[Service]\nExecStart=/bin/true\n");
        Run r = verify("verify", tooLong.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("is 256 characters; at most 255"), r.err());
    }

    @Test
    void anInvalidFileIsReportedWithItsLineAndExitsOne() throws Exception {
        Path good = Files.writeString(dir.resolve("ok.service"), "[Service]\nExecStart=/bin/true\n");
        Path bad = Files.writeString(dir.resolve("bad"), """
                [Service]
                ExecStart=/bin/true
                [X-Fleet]
                Global=true
                MachineID=0123456789abcdef0123456789abcdef
                """);
        Run r = verify("verify", good.toString(), bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(bad + ":"), r.err());
        assertTrue(r.err().contains("Global"), r.err());
    }

    @Test
    void badResourceValuesAreReportedWithTheirLinesAndExitOne() throws Exception {
        Path bad = Files.writeString(dir.resolve("db.service"), """
                [Service]
                ExecStart=/bin/true
                MemoryMax=lots
                CPUQuota=0%
                [X-Fleet]
                CPURequest=1.5
                """);
        Run r = verify("verify", bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(bad + ":3: MemoryMax 'lots' is not a size"), r.err());
        assertTrue(r.err().contains(bad + ":4: CPUQuota '0%' is 0"), r.err());
        Path good = Files.writeString(dir.resolve("ok.service"), "[Service]\nExecStart=/bin/true\nMemoryMax=1G\nCPUQuota=150%\n");
        assertEquals(0, verify("verify", good.toString()).exit());
    }

    @Test
    void aMissingFileIsAnErrorNotACrash() {
        Run r = verify("verify", dir.resolve("absent.service").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("cannot read"), r.err());
    }

    @Test
    void noFileIsAUsageError() {
        assertEquals(2, verify("verify").exit());
    }
}
