package dev.flotilla.api.server;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP connection whose first request has not reached the handler (its headers still
 * arriving) within the request deadline. Waiting for headers holds no thread, but Jetty's idle
 * timeout alone would let a client dripping a header byte now and then keep a connection for hours.
 * Later requests on a kept-alive connection are bounded by the idle timeout only.
 */
final class HeaderDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration deadline;
    private final Set<Connection> waiting = ConcurrentHashMap.newKeySet();

    HeaderDeadline(Scheduler scheduler, Duration deadline) {
        this.scheduler = scheduler;
        this.deadline = deadline;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection) {
            waiting.add(connection);
            scheduler.schedule(() -> {
                if (waiting.remove(connection)) {
                    connection.getEndPoint().close();
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        waiting.remove(connection);
    }

    /** The connection's request has arrived whole (its headers at least). */
    void arrived(Connection connection) {
        waiting.remove(connection);
    }
}
