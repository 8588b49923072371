package dev.flotilla.api;

import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows {@code GET /flotilla/v1/events} on a thread of its own: each line is one revision,
 * handed to the listener, and its revision becomes the {@code since} of the next connection, so a
 * reconnection neither loses nor repeats anything.
 */
final class HttpEventStream implements EventStream {
    /** Three missed heartbeats of the server (15 s each) mean the connection is dead. */
    static final Duration IDLE = Duration.ofSeconds(45);
    private static final long MAX_BACKOFF_MS = 5000;

    private final HttpTransport http;
    private final Consumer<ClusterEvent> listener;
    private final Consumer<ApiException> onError;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile long lastRevision;
    private volatile boolean running = true;
    private volatile HttpTransport.Answer current;

    HttpEventStream(HttpTransport http, long since, Consumer<ClusterEvent> listener, Consumer<ApiException> onError) {
        this.http = http;
        this.lastRevision = since;
        this.listener = listener;
        this.onError = onError;
        this.thread = new Thread(this::run, "flotilla-events");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try {
                follow();
                backoff = 100; // the server ended the stream (stopping): reconnect soon
            } catch (ApiException e) {
                if (!running) {
                    return;
                }
                boolean retry = e.status() == 0 || e.status() >= 500;
                onError.accept(e);
                if (!retry) {
                    running = false;
                    return;
                }
            }
            try {
                if (stop.await(backoff, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void follow() {
        try (HttpTransport.Answer answer = http.stream("/flotilla/v1/events?since=" + lastRevision, IDLE)) {
            current = answer;
            if (!running) {
                return;
            }
            if (answer.status != 200) {
                throw new ApiException(answer.status, HttpFlotillaClient.errorMessage(answer.status, answer.bytes(64 << 10)));
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null && running; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue; // heartbeat
                }
                ClusterEvent event;
                try {
                    event = Json.read(line, ClusterEvent.class, Json.Unknown.IGNORE);
                } catch (JsonException e) {
                    throw new IOException("unreadable event: " + e.getMessage(), e);
                }
                // before the listener: whoever has seen an event must find lastRevision() at it or later
                lastRevision = event.revision();
                listener.accept(event);
            }
        } catch (IOException e) {
            if (running) {
                throw new ApiException("event stream interrupted: " + HttpTransport.describe(e), e);
            }
        } finally {
            current = null;
        }
    }

    @Override
    public long lastRevision() {
        return lastRevision;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        stop.countDown();
        HttpTransport.Answer a = current;
        if (a != null) {
            a.close();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
