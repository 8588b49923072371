package dev.flotilla.bench;

import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The duration of each engine pass, told apart by kind: a thread reads {@link Engine#stats()} every
 * millisecond, and when exactly one pass ended between two reads, the last pass's time is that pass's
 * (passes are at least 5 ms apart: the engine gathers events that long). A pass is full when the engine's
 * count of full passes grew with it. Passes that ended two at a time are not sampled; the count of
 * sampled passes is printed beside the figures.
 */
final class PassSampler implements AutoCloseable {
    /** A pass's duration, writes included, and when it was seen. */
    record Pass(boolean full, long millis, long seenNanos) {
    }

    private final Engine engine;
    private final List<Pass> passes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    PassSampler(Engine engine) {
        this.engine = engine;
        this.thread = new Thread(this::sample, "pass-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        EngineStats before = engine.stats();
        while (running) {
            EngineStats now = engine.stats();
            if (now.passes() == before.passes() + 1) {
                synchronized (passes) {
                    // A pass that held placements (a machine left) counts as full without ending (no stats,
                    // no pass): the pass that ends after it shows two more full passes and one more pass.
                    passes.add(new Pass(now.fullPasses() > before.fullPasses(), now.lastPassMillis(), System.nanoTime()));
                }
            }
            before = now;
            try {
                Thread.sleep(1); // the sampling period; the passes' own granularity is 5 ms or more
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Passes of the kind seen since {@code sinceNanos} (a {@link System#nanoTime()}). */
    List<Pass> since(long sinceNanos, boolean full) {
        synchronized (passes) {
            return passes.stream().filter(p -> p.seenNanos() >= sinceNanos && p.full() == full).toList();
        }
    }

    /** The median duration of those passes, NaN if none was sampled. */
    static double medianMillis(List<Pass> sampled) {
        if (sampled.isEmpty()) {
            return Double.NaN;
        }
        long[] ms = sampled.stream().mapToLong(Pass::millis).sorted().toArray();
        return ms[ms.length / 2];
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1000);
    }
}
