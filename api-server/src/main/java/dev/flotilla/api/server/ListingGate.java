package dev.flotilla.api.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many whole-cluster listings a daemon builds at once (Flotilla's listing, and fleet's pages of
 * units, which read every assignment). A listing of 100,000 unit states holds
 * ~150 MiB while it is read and written; two at once filled a leader's heap, and the collector's
 * pauses then cost it its leases. Further listings wait their turn (fairly) for up to {@link #WAIT_MS},
 * then get 503 with Retry-After: a busy daemon answers slowly rather than falling over.
 */
final class ListingGate {
    static final int AT_ONCE = 1;
    static final long WAIT_MS = 20_000;

    private final Semaphore permits;
    private final int atOnce;
    private final long waitMs;

    ListingGate() {
        this(AT_ONCE, WAIT_MS);
    }

    ListingGate(int atOnce, long waitMs) {
        this.permits = new Semaphore(atOnce, true);
        this.atOnce = atOnce;
        this.waitMs = waitMs;
    }

    void run(Runnable listing) {
        call(() -> {
            listing.run();
            return null;
        });
    }

    <T> T call(java.util.function.Supplier<T> listing) {
        boolean got;
        try {
            got = permits.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpFailure.busy("interrupted while waiting for other listings to finish");
        }
        if (!got) {
            throw HttpFailure.busy(atOnce + " listings of the whole cluster are being built; try again");
        }
        try {
            return listing.get();
        } finally {
            permits.release();
        }
    }
}
