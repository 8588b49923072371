package dev.flotilla.registry;

import io.etcd.jetcd.Client;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings the etcd client back as soon as etcd answers again. gRPC waits ever longer between
 * reconnect attempts while a server is down (1.6x per attempt, up to two minutes), so after an
 * outage of a few minutes a client could stay away for a minute more, past every lease's TTL.
 * While the client's channel is in TRANSIENT_FAILURE this probes the endpoints with a plain TCP
 * connect every {@value #CHECK_MS} ms and, once one accepts, tells the channel to skip the rest of
 * its backoff. A connected channel costs one state read per check.
 */
final class EtcdReconnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EtcdReconnector.class);
    /** How often the channel's state is looked at: how soon after etcd accepts the client is back. */
    static final long CHECK_MS = 100;
    private static final int PROBE_TIMEOUT_MS = 200;

    private final List<InetSocketAddress> endpoints;
    private final ManagedChannel channel;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flotilla-etcd-reconnect");
        t.setDaemon(true);
        return t;
    });
    /** The reconnect of this outage has been logged. */
    private boolean logged;

    private EtcdReconnector(List<String> endpoints, ManagedChannel channel) {
        this.endpoints = endpoints.stream().map(EtcdReconnector::address).toList();
        this.channel = channel;
    }

    /** Starts watching over the client's channel. */
    static EtcdReconnector start(Client client, List<String> endpoints) {
        ManagedChannel channel = channelOf(client);
        EtcdReconnector r = new EtcdReconnector(endpoints, channel);
        if (channel == null) {
            log.warn("cannot reach the etcd client's channel: after a long etcd outage, reconnecting may take"
                    + " as long as gRPC's backoff (up to 2 minutes)");
        } else {
            r.thread.scheduleWithFixedDelay(r::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
        }
        return r;
    }

    private static InetSocketAddress address(String endpoint) {
        URI uri = URI.create(endpoint);
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 2379);
    }

    private void check() {
        if (channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
            logged = false;
            return;
        }
        for (InetSocketAddress endpoint : endpoints) {
            if (accepts(endpoint)) {
                if (!logged) {
                    log.info("{}:{} accepts connections again: reconnecting to etcd now",
                            endpoint.getHostString(), endpoint.getPort());
                    logged = true;
                }
                channel.resetConnectBackoff();
                return;
            }
        }
    }

    private static boolean accepts(InetSocketAddress endpoint) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(endpoint.getHostString(), endpoint.getPort()), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * jetcd keeps its gRPC channel private, so it is reached by reflection. EtcdReconnectTest
     * checks it is found: a jetcd upgrade that moves it fails the build instead of silently
     * bringing the long reconnects back.
     */
    static ManagedChannel channelOf(Client client) {
        try {
            Field manager = client.getClass().getDeclaredField("connectionManager");
            manager.setAccessible(true);
            Object connections = manager.get(client);
            Method getChannel = connections.getClass().getDeclaredMethod("getChannel");
            getChannel.setAccessible(true);
            return (ManagedChannel) getChannel.invoke(connections);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
