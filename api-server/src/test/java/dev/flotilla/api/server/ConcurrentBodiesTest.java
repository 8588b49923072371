package dev.flotilla.api.server;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, finding 5: 32 clients at once each PUT a body of the largest unit fleet's API accepts
 * (~1.9 MB of option objects for a text just under {@link dev.flotilla.unitfile.UnitFile#MAX_BYTES}). The bodies in flight stay within the
 * budget (the rest are 503 with Retry-After), and the daemon answers afterwards. The surefire
 * execution {@code small-heap} runs this class in a JVM of flotd's heap (-Xmx192m,
 * ExitOnOutOfMemoryError), where it ended the JVM before the budget.
 */
@Tag("etcd")
class ConcurrentBodiesTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final int CLIENTS = 32;
    /**
     * "Environment=A=1\n" is 16 bytes of text: this many stay just under UnitFile.MAX_BYTES (a
     * multiple of 1,000: the body is written 1,000 options at a time).
     */
    private static final int OPTIONS = (dev.flotilla.unitfile.UnitFile.MAX_BYTES - 64) / 16 / 1000 * 1000;
    private static final byte[] OPTION = "{\"section\":\"Service\",\"name\":\"Environment\",\"value\":\"A=1\"},"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD = "{\"desiredState\":\"loaded\",\"options\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}"
            .getBytes(StandardCharsets.US_ASCII);
    private static final long BODY_BYTES = HEAD.length + (long) OPTION.length * OPTIONS + TAIL.length;

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
    }

    /** One PUT written from a small buffer, so the clients themselves hold little of the heap. */
    private String put(String unit) throws IOException {
        try (Socket s = new Socket("127.0.0.1", api.port())) {
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /fleet/v1/units/" + unit + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + BODY_BYTES + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(HEAD);
                byte[] block = new byte[OPTION.length * 1000];
                for (int i = 0; i < 1000; i++) {
                    System.arraycopy(OPTION, 0, block, i * OPTION.length, OPTION.length);
                }
                for (int i = 0; i < OPTIONS / 1000; i++) {
                    out.write(block);
                }
                out.write(TAIL);
                out.flush();
            } catch (IOException e) {
                // refused before the whole body was sent (503): the answer is read below
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                in.transferTo(answer);
            } catch (IOException e) {
                // reset after the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void concurrentMaximumBodiesStayWithinTheBudget() throws Exception {
        System.gc();
        long heapBefore = usedHeap();
        long rssBefore = rss();
        List<Future<String>> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                String unit = "big-" + i + ".service";
                answers.add(pool.submit(() -> put(unit)));
            }
            int created = 0;
            int busy = 0;
            for (Future<String> f : answers) {
                String a = f.get();
                if (a.startsWith("HTTP/1.1 201")) {
                    created++;
                } else {
                    assertTrue(a.startsWith("HTTP/1.1 503"), a.lines().findFirst().orElse("(nothing)"));
                    assertTrue(a.contains("Retry-After: 1"), a);
                    assertTrue(a.contains("{\"error\":{\"code\":503,"), a);
                    busy++;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // What a collection left: the peak of the old generation right after a GC, i.e. what was live.
            long liveAfterGc = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP && p.getCollectionUsage() != null
                            && (p.getName().contains("Old") || p.getName().contains("Tenured")))
                    .mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
            System.out.printf("%d PUTs of %d bytes at once in %d ms: %d created, %d answered 503; body bytes in "
                            + "flight peaked at %d (cap %d); heap used %d MB before, old generation after the last GC %d MB, max %d MB; "
                            + "RSS %d MB before, %d MB after; load %s%n", CLIENTS, BODY_BYTES, ms, created, busy,
                    api.server.bodyBytesPeak(), ApiLimits.DEFAULTS.bodyBytesInFlight(), heapBefore >> 20,
                    liveAfterGc >> 20, Runtime.getRuntime().maxMemory() >> 20, rssBefore >> 20, rss() >> 20,
                    SlowClientsTest.loadAverage());
            assertTrue(created > 0, "at least the bodies that fit in the budget were served");
            assertTrue(api.server.bodyBytesPeak() <= ApiLimits.DEFAULTS.bodyBytesInFlight(),
                    "peak " + api.server.bodyBytesPeak());
            assertEquals(0, api.server.bodyBytesInFlight(), "every body's budget was given back");
            assertEquals(200, api.raw("GET", "/health", null, (String) null).status());
            // One by one: a listing of these units would pass gRPC's message limit (issue 14, finding 1).
            int stored = 0;
            for (int i = 0; i < CLIENTS; i++) {
                stored += api.registry.unit("big-" + i + ".service").isPresent() ? 1 : 0;
            }
            assertEquals(created, stored);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** This JVM's resident set (server and clients), from /proc. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
