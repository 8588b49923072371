package dev.flotilla.api.server;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Reads one request body without holding a thread while it waits for bytes (Jetty's demand
 * callbacks), within the {@link ApiLimits}: at most {@code maxBodyBytes} (413), bytes taken from the
 * shared {@link BodyBudget} before they are buffered (waiting up to 1 s for them, then 503), the whole request within
 * {@code requestDeadline} and at {@code minBodyRate} on average once {@code rateGrace} has passed
 * (408). Exactly one of {@code onBody} and {@code onRefusal} is called, once: {@code onBody} with
 * the body and what gives its budget back (to run once the request has been answered); a refusal
 * gives it back itself.
 */
final class BodyRead implements Runnable {
    private static final long CHECK_EVERY_MILLIS = 500;
    /** A body that does not fit the budget waits this long for it (others finish within moments), then 503. */
    private static final long BUDGET_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BUDGET_RETRY_MILLIS = 50;

    private final Request request;
    private final ApiLimits limits;
    private final BodyBudget budget;
    private final Scheduler scheduler;
    private final BiConsumer<byte[], Runnable> onBody;
    private final Consumer<HttpFailure> onRefusal;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    /** Budget taken so far; given back by release(). */
    private long taken;
    private boolean released;
    private byte[] buffer;
    private volatile int size;
    private volatile Scheduler.Task check;

    BodyRead(Request request, ApiLimits limits, BodyBudget budget, Scheduler scheduler, BiConsumer<byte[], Runnable> onBody,
             Consumer<HttpFailure> onRefusal) {
        this.request = request;
        this.limits = limits;
        this.budget = budget;
        this.scheduler = scheduler;
        this.onBody = onBody;
        this.onRefusal = onRefusal;
    }

    /** Refuses a declared length over the limit or beyond the budget before anything is read. */
    void start() {
        long declared = request.getLength();
        if (declared > limits.maxBodyBytes()) {
            finish(tooLarge(declared));
            return;
        }
        int initial = declared >= 0 ? (int) declared : 8192;
        if (take(initial)) {
            reading(initial); // in the handler's own thread
        } else {
            waitForBudget(initial, System.nanoTime() + BUDGET_WAIT_NANOS);
        }
    }

    /** Retries on the scheduler (no thread held meanwhile); reads on a pool thread once there is room. */
    private void waitForBudget(int initial, long waitUntil) {
        scheduler.schedule(() -> {
            if (take(initial)) {
                // Off the scheduler's thread, which only keeps time.
                request.getComponents().getExecutor().execute(() -> reading(initial));
            } else if (System.nanoTime() >= waitUntil) {
                finish(busy());
            } else {
                waitForBudget(initial, waitUntil);
            }
        }, BUDGET_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void reading(int initial) {
        buffer = new byte[initial];
        scheduleCheck();
        run();
    }

    /** Reads what has arrived; asks to be called again when more comes. */
    @Override
    public void run() {
        while (!finished.get()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable why = chunk.getFailure();
                chunk.release();
                finish(why instanceof java.util.concurrent.TimeoutException
                        ? new HttpFailure(408, "the request body stopped arriving: " + why.getMessage())
                        : HttpFailure.badRequest("cannot read the request body: " + why.getMessage()));
                return;
            }
            HttpFailure refused = append(chunk.getByteBuffer());
            boolean last = chunk.isLast();
            chunk.release();
            if (refused != null) {
                finish(refused);
                return;
            }
            if (last) {
                if (finished.compareAndSet(false, true)) {
                    cancelCheck();
                    byte[] body = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
                    buffer = null;
                    onBody.accept(body, this::release);
                }
                return;
            }
        }
    }

    private HttpFailure append(ByteBuffer bytes) {
        int n = bytes.remaining();
        if ((long) size + n > limits.maxBodyBytes()) {
            return tooLarge(-1);
        }
        if (size + n > buffer.length) {
            // Only a body without Content-Length (chunked) grows: double, within the limit and the budget.
            int grown = (int) Math.min(limits.maxBodyBytes(), Math.max(size + n, 2L * buffer.length));
            if (!take(grown - buffer.length)) {
                return busy();
            }
            buffer = Arrays.copyOf(buffer, grown);
        }
        bytes.get(buffer, size, n);
        size += n;
        return null;
    }

    private synchronized boolean take(long bytes) {
        if (released || !budget.tryTake(bytes)) {
            return false;
        }
        taken += bytes;
        return true;
    }

    private synchronized void release() {
        released = true;
        budget.give(taken);
        taken = 0;
    }

    private void scheduleCheck() {
        check = scheduler.schedule(this::checkPace, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void cancelCheck() {
        Scheduler.Task t = check;
        if (t != null) {
            t.cancel();
        }
    }

    /** The deadline counts from the request's first byte, so slow headers leave less time for the body. */
    private void checkPace() {
        if (finished.get()) {
            return;
        }
        long now = System.nanoTime();
        long sinceRequest = now - request.getBeginNanoTime();
        long sinceBody = now - startNanos;
        if (sinceRequest > limits.requestDeadline().toNanos()) {
            finish(new HttpFailure(408, "the request did not arrive within " + limits.requestDeadline().toSeconds()
                    + " s (" + size + " body bytes received)"));
            return;
        }
        if (sinceBody > limits.rateGrace().toNanos() && size * 1_000_000_000L / sinceBody < limits.minBodyRate()) {
            finish(new HttpFailure(408, "the request body arrives at " + size * 1_000_000_000L / sinceBody
                    + " bytes/s, under the minimum of " + limits.minBodyRate() + " bytes/s"));
            return;
        }
        scheduleCheck();
    }

    private void finish(HttpFailure refusal) {
        if (finished.compareAndSet(false, true)) {
            cancelCheck();
            // Reading stops here (no more demand): Jetty closes the connection after the answer,
            // as the rest of the body was not consumed.
            try {
                onRefusal.accept(refusal);
            } finally {
                release();
            }
        }
    }

    private HttpFailure tooLarge(long declared) {
        return new HttpFailure(413, "the request body is larger than " + limits.maxBodyBytes() + " bytes"
                + (declared > 0 ? " (" + declared + ")" : "") + "; a unit file may have at most "
                + dev.flotilla.unitfile.UnitFile.MAX_BYTES + " bytes");
    }

    private HttpFailure busy() {
        return HttpFailure.busy("the daemon holds " + budget.capacity()
                + " bytes of request bodies already; try again shortly");
    }
}
