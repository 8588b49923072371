package dev.flotilla.bench;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A line every few seconds while a long step runs: how far it got (units submitted, engine writes,
 * units active) and what etcd, this JVM and the box did in the interval, so a slow run shows where
 * its time went (submission, placement or the agents) instead of one total.
 */
final class Progress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param submitted units written by the submitters so far
     * @param placed    the engine's writes so far (assignments and waiting reasons)
     * @param active    units reported active so far
     */
    Progress(String step, EtcdMetrics metrics, long periodMs, LongSupplier submitted, LongSupplier placed, LongSupplier active,
             PrintStream out) {
        long t0 = System.nanoTime();
        this.thread = new Thread(() -> {
            EtcdMetrics.Counters before = metrics.read();
            long cpuBefore = AgentBench.processCpuNanos();
            long last = t0;
            while (running) {
                try {
                    Thread.sleep(periodMs); // the sampling period
                } catch (InterruptedException e) {
                    return;
                }
                EtcdMetrics.Counters now;
                try {
                    now = metrics.read();
                } catch (IllegalStateException e) {
                    continue; // etcd busy beyond the read's timeout: the next line covers both intervals
                }
                long t = System.nanoTime();
                long cpu = AgentBench.processCpuNanos();
                EtcdMetrics.Counters d = now.minus(before);
                double s = (t - last) / 1e9;
                out.printf("  %s +%5.1f s: submitted %,d, engine writes %,d, active %,d; etcd %,.0f key writes/s, %,.0f txns/s, "
                                + "%,.0f ranges/s, %.0f%% of a core; this JVM %.2f cores; load %s%n",
                        step, (t - t0) / 1e9, submitted.getAsLong(), placed.getAsLong(), active.getAsLong(), d.keyWrites() / s,
                        d.txns() / s, d.ranges() / s, 100 * d.cpuSeconds() / s, (cpu - cpuBefore) / 1e9 / s, BenchMain.loadAverage());
                before = now;
                cpuBefore = cpu;
                last = t;
            }
        }, "progress");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1000);
    }
}
