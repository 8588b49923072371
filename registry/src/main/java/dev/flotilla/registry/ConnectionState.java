package dev.flotilla.registry;

/**
 * How a lease-holding session stands with etcd.
 * SUSPENDED means keep-alives are failing but the lease may still be alive on the server:
 * keep running, don't take new decisions. LOST means the lease is surely gone: everything
 * attached to it (presence, leadership) must be treated as lost.
 */
public enum ConnectionState {
    CONNECTED, SUSPENDED, LOST
}
