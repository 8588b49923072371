package dev.flotilla.api.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response that counts its answer by status class once, when its first bytes are handed to
 * Jetty: a client that has read an answer then always finds it in /metrics.
 */
final class CountedResponse extends Response.Wrapper {
    private final ApiStats stats;
    private final AtomicBoolean counted = new AtomicBoolean();

    CountedResponse(Request request, Response wrapped, ApiStats stats) {
        super(request, wrapped);
        this.stats = stats;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        count();
        super.write(last, content, callback);
    }

    /** Counts now unless already counted (a stream that has not written yet). */
    void count() {
        if (counted.compareAndSet(false, true)) {
            stats.answered(getStatus());
        }
    }
}
