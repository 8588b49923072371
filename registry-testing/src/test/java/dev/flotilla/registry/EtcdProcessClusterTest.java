package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three etcd members started by {@link EtcdProcess#startCluster} form one cluster: a registry
 * given every member keeps working while one member is SIGKILLed, and the member, started again
 * on its data, catches up with what was written without it.
 */
@Tag("etcd")
class EtcdProcessClusterTest {
    private static final String PREFIX = "/members-test/";
    @TempDir
    static Path dir;
    private static List<EtcdProcess> members;

    @BeforeAll
    static void start() {
        members = EtcdProcess.startCluster(dir.resolve("etcd"), 3, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.forEach(EtcdProcess::stop);
        }
    }

    private static Registry connect(List<EtcdProcess> to) {
        return Registry.connect(new EtcdConfig(to.stream().map(EtcdProcess::clientUrl).toList(), PREFIX,
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static Set<String> unitNames(Registry r) {
        return r.units().value().stream().map(UnitRecord::name).collect(Collectors.toSet());
    }

    private static UnitRecord unit(String name) {
        return RegistryContract.unit(name, "[Service]\nExecStart=/bin/sleep infinity\n");
    }

    @Test
    void aRegistryGivenEveryMemberOutlivesOneAndTheMemberCatchesUpAfterItsRestart() {
        assertEquals(3, members.stream().map(EtcdProcess::clientUrl).distinct().count());
        try (Registry all = connect(members); Registry third = connect(List.of(members.get(2)))) {
            assertTrue(all.createUnit(unit("before.service")));
            assertEquals(Set.of("before.service"), unitNames(third), "one cluster: member 3 sees the write");

            EtcdProcess first = members.get(0);
            first.kill();
            // jetcd moves on to a live member; the first calls may still meet the dead one.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> all.createUnit(unit("during.service")));
            assertEquals(Set.of("before.service", "during.service"), unitNames(third));

            first.startAgain(Duration.ofSeconds(30));
            try (Registry onlyFirst = connect(List.of(first))) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> unitNames(onlyFirst).equals(Set.of("before.service", "during.service")));
            }
        }
    }

    @Test
    void aClusterNeedsAMember() {
        assertThrows(IllegalArgumentException.class, () -> EtcdProcess.startCluster(dir.resolve("none"), 0, Duration.ofSeconds(1)));
    }
}
