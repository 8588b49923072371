package dev.flotilla.registry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

@Tag("etcd")
class LeaderElectionTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private static final Duration TTL = Duration.ofSeconds(2);

    @Test
    void exactlyOneLeaderAndACleanResignationHandsOverAtOnce() {
        EtcdConfig config = etcd.newConfig();
        try (Registry r1 = Registry.connect(config); Registry r2 = Registry.connect(config)) {
            List<LeaderElection.Leadership> events1 = new CopyOnWriteArrayList<>();
            LeaderElection e1 = r1.leaderElection("m1", Duration.ofSeconds(30));
            e1.start(events1::add);
            await().atMost(Duration.ofSeconds(10)).until(e1::isLeader);
            assertEquals(Optional.of("m1"), r1.engineLeader());

            LeaderElection e2 = r2.leaderElection("m2", Duration.ofSeconds(30));
            e2.start(l -> { });
            await().atMost(Duration.ofSeconds(10)).until(() -> e2.leader().isPresent());
            assertFalse(e2.isLeader());

            e1.close();
            assertInstanceOf(LeaderElection.Leadership.Lost.class, events1.get(events1.size() - 1));
            // The lease is 30 s: only the resignation explains a handover within 5 s.
            await().atMost(Duration.ofSeconds(5)).until(e2::isLeader);
            assertEquals(Optional.of("m2"), r2.engineLeader());
            e2.close();
        }
    }

    @Test
    void aDeadLeaderIsReplacedWithinItsTtl() {
        EtcdConfig config = etcd.newConfig();
        Registry dying = Registry.connect(config);
        LeaderElection e1 = dying.leaderElection("m1", TTL);
        e1.start(l -> { });
        await().atMost(Duration.ofSeconds(10)).until(e1::isLeader);

        try (Registry r2 = Registry.connect(config)) {
            LeaderElection e2 = r2.leaderElection("m2", TTL);
            e2.start(l -> { });
            dying.close(); // keep-alives stop, nobody resigns
            await().atMost(TTL.plusSeconds(4)).until(e2::isLeader);
            e2.close();
        }
    }
}
