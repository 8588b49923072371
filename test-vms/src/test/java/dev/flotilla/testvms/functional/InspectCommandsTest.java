package dev.flotilla.testvms.functional;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * status and journal run on the unit's machine through that machine's daemon (no ssh), asked
 * from another machine; verify and version need no cluster at all.
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 3, ttlSeconds = 3)
class InspectCommandsTest {

    @Test
    void statusAndJournalComeFromTheUnitsMachineWhereverTheyAreAsked(Cluster cluster) {
        UnitsInCluster units = new UnitsInCluster(cluster);
        units.write("m1", "/root/talker.service", UnitsInCluster.unit("talker",
                "ExecStart=/bin/sh -c 'echo hello-from-talker; exec sleep infinity'", "[X-Fleet]\nMachineMetadata=machine=m3"));
        cluster.flotctl("m1", "start", "/root/talker.service").requireOk("start");
        assertEquals("m3", units.machineOf("m1", "talker.service").orElseThrow());

        CommandResult status = cluster.flotctl("m1", "status", "talker.service");
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdout().contains("talker.service") && status.stdout().contains("active (running)"), status.stdout());

        CommandResult journal = cluster.flotctl("m1", "journal", "talker.service");
        assertEquals(0, journal.exitCode(), journal.stderr());
        assertTrue(journal.stdout().contains("hello-from-talker"), journal.stdout());

        CommandResult missing = cluster.flotctl("m1", "status", "nothere.service");
        assertNotEquals(0, missing.exitCode());

        assertEquals(0, cluster.flotctl("m2", "version").exitCode());
        units.write("m2", "/root/bad.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineID=abc\nGlobal=true\n");
        CommandResult verify = cluster.flotctl("m2", "verify", "/root/bad.service");
        assertEquals(1, verify.exitCode(), verify.stdout() + verify.stderr());
        assertTrue((verify.stdout() + verify.stderr()).contains("bad.service"), verify.stdout() + verify.stderr());
    }
}
