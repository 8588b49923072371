package dev.flotilla.registry;

/**
 * Where {@link SerialLoop}s run. {@link #dedicated()} (the default, what flotd uses): each lane is
 * one daemon thread of its own, named as the lane. {@link #shared(int)}: every lane is a serial
 * lane over one pool of a few threads, for a process that holds thousands of lanes (the benchmark
 * runs thousands of agents in one JVM, each with its loop, publisher, presence and watches).
 *
 * <p>A shared lane's task may block (an etcd call, a D-Bus job); that holds one of the pool's
 * threads, never another lane's order. What must never wait behind such work (lease keep-alives)
 * does not run on lanes.
 */
public sealed interface Lanes extends AutoCloseable permits DedicatedLanes, SharedLanes {

    /** A new lane; the name is its thread's (dedicated) or its name in logs (shared). */
    SerialLoop lane(String name);

    /** Stops a shared pool (its lanes stop with it); nothing for dedicated threads. */
    @Override
    void close();

    /** One daemon thread per lane, named as the lane. */
    static Lanes dedicated() {
        return DedicatedLanes.INSTANCE;
    }

    /**
     * Lanes over one pool of {@code threads} workers and one timer thread. A lane waiting for
     * another lane ({@link SerialLoop#call}, {@link SerialLoop#shutdownAndWait}) lets the pool add
     * a spare worker meanwhile, so lanes that wait for each other can't starve the pool.
     */
    static Lanes shared(int threads) {
        return new SharedLanes(threads);
    }
}
