package dev.flotilla.registry;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;

import java.time.Duration;
import java.util.Optional;

import static dev.flotilla.registry.EtcdConnection.await;

/** The engine election in etcd: the leader key on the leader's lease. */
final class EtcdLeadership implements EngineLeadership {
    private final EtcdConnection etcd;
    private final Client client;
    private final Keys keys;

    EtcdLeadership(EtcdConnection etcd) {
        this.etcd = etcd;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    @Override
    public LeaderElection leaderElection(String candidateId, Duration ttl) {
        return new EtcdLeaderElection(etcd, candidateId, ttl);
    }

    @Override
    public Optional<String> engineLeader() {
        GetResponse response = await(client.getKVClient().get(keys.engineLeader()), "read engine leader");
        return response.getKvs().stream().findFirst().map(kv -> Keys.string(kv.getValue()));
    }
}
