package dev.flotilla.flotctl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs one API round trip per item a few at a time and returns the results in the items' order.
 * A command over hundreds of units is bound by round trips, not by work: done one by one, 300
 * units cost 1,200 sequential requests.
 */
final class InOrder {
    static final int PARALLELISM = 8;

    private InOrder() {
    }

    static <T, R> List<R> map(List<T> items, Function<T, R> call) {
        if (items.size() <= 1) {
            return items.stream().map(call).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLELISM, items.size()), r -> {
            Thread t = new Thread(r, "flotctl-request");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> call.apply(item)));
            }
            List<R> results = new ArrayList<>(items.size());
            for (Future<R> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CommandFailure(String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
    }
}
