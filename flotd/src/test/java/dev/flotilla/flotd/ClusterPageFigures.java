package dev.flotilla.flotd;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdFixture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Not part of the suite (each method runs only when asked for by a system property):
 * <ul>
 * <li>{@code -Dflotilla.page.screenshots=DIR}: the page of 3 machines (one daemon, the engine, and two
 *     with simulated agents) and 30 units, one waiting and one failed, at 1280x800 and at phone
 *     width, written to DIR as PNG (the README's pictures: {@code DIR=docs}).</li>
 * <li>{@code -Dflotilla.page.figures=true}: load and update figures of the page with 10,000 units,
 *     printed.</li>
 * </ul>
 * Both run the page in headless chromium against a {@code systemd=off} daemon over a real etcd.
 */
@Tag("etcd")
@Tag("browser")
class ClusterPageFigures {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final Duration BOUND = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private static String text(String description, String where) {
        return "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sleep infinity\n\n"
                + "[X-Fleet]\nMachineMetadata=" + where + "\n";
    }

    private static void ready(HeadlessChromium b) {
        await().atMost(BOUND).until(() -> "true".equals(b.js("return document.body.dataset.ready || '';")));
    }

    @Test
    @EnabledIfSystemProperty(named = "flotilla.page.screenshots", matches = ".+")
    void screenshots() throws Exception {
        Path out = Path.of(System.getProperty("flotilla.page.screenshots"));
        try (PageCluster cluster = new PageCluster(etcd, dir)) {
            Flotd daemon = cluster.daemon("a", "4f1c2d9e8b7a60514233aa09bc7d1e6f", "role=edge,region=eu-west");
            cluster.machine("9b2e77c01d4f4a8e9d3c5b6a7f8e9012", "10.0.0.12", Map.of("role", "sim", "disk", "ssd", "region", "eu-west"));
            cluster.machine("c30a51f6e2b84d7fa1e0d9c8b7a69584", "10.0.0.13", Map.of("role", "sim", "region", "eu-west"));
            List<UnitSubmission> units = new ArrayList<>();
            String[] kinds = {"web@%d.service", "api@%d.service", "worker@%d.service", "cache@%d.service"};
            int n = 0;
            for (String kind : kinds) {
                for (int i = 1; i <= 7 && n < 28; i++, n++) {
                    units.add(new UnitSubmission(String.format(kind, i), text(kind.split("@")[0] + " " + i, "role=sim"),
                            "launched", null));
                }
            }
            units.add(new UnitSubmission("fail-migrate.service", text("schema migration", "role=sim"), "launched", null));
            units.add(new UnitSubmission("gpu-train.service", text("training job", "role=gpu"), "launched", null));
            try (FlotillaClient api = PageCluster.client(daemon)) {
                api.submitAll(units);
                await().atMost(BOUND).until(() -> api.listing().states().size() >= 29);
            }
            try (HeadlessChromium b = new HeadlessChromium(1280, 800)) {
                b.driver().get(PageCluster.url(daemon) + "/ui/");
                ready(b);
                await().atMost(BOUND).until(() -> b.js("return document.querySelector('.row[data-unit=\"gpu-train.service\"]')"
                        + "?.dataset.state || ''").equals("waiting"));
                // a click from the page's own script: Selenium's would scroll the window to the row first
                b.js("document.querySelector('.row[data-unit=\"gpu-train.service\"]').click()");
                await().atMost(BOUND).until(() -> b.driver().findElement(By.id("detail-text")).getText().contains("ExecStart"));
                await().atMost(BOUND).until(() -> !b.driver().findElement(By.id("detail-journal")).getText().startsWith("reading"));
                printLoad("30 units", b);
                b.js("window.scrollTo(0, 0)");
                b.screenshot(out.resolve("ui-cluster.png"));
            }
            try (HeadlessChromium phone = new HeadlessChromium(412, 915)) {
                phone.driver().get(PageCluster.url(daemon) + "/ui/");
                ready(phone);
                phone.screenshot(out.resolve("ui-phone.png"));
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "flotilla.page.figures", matches = "true")
    void tenThousandUnits() throws Exception {
        int count = Integer.getInteger("flotilla.page.units", 10_000);
        try (PageCluster cluster = new PageCluster(etcd, dir)) {
            Flotd daemon = cluster.daemon("a", "a".repeat(32), "role=edge");
            for (int m = 0; m < 10; m++) {
                cluster.machine(Integer.toString(m).repeat(32), "10.0.1." + m, Map.of("role", "sim"));
            }
            try (FlotillaClient api = PageCluster.client(daemon)) {
                long t0 = System.nanoTime();
                for (int from = 0; from < count; from += 500) {
                    List<UnitSubmission> batch = new ArrayList<>();
                    for (int i = from; i < Math.min(count, from + 500); i++) {
                        batch.add(new UnitSubmission(String.format("svc-%05d.service", i), text("unit " + i, "role=sim"),
                                "launched", null));
                    }
                    api.submitAll(batch);
                }
                await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> api.listing(List.of(), java.util.EnumSet.of(dev.flotilla.api.UnitListing.Part.STATES))
                                .states().size() >= count);
                System.out.printf("page figures: %d units placed and active in %d s%n", count, (System.nanoTime() - t0) / 1_000_000_000);
            }
            snapshotLine(daemon);
            try (HeadlessChromium b = new HeadlessChromium(1280, 800)) {
                for (int run = 1; run <= 3; run++) {
                    b.driver().get(PageCluster.url(daemon) + "/ui/");
                    ready(b);
                    await().atMost(BOUND).until(() -> ((Number) b.js("return document.querySelectorAll('.row:not([hidden])').length")).intValue() > 0);
                    printLoad(count + " units, load " + run, b);
                }
                Object fluency = b.driver().executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        const box = document.getElementById('units');
                        const times = []; let last = performance.now(); let frames = 0;
                        function step(now) {
                          times.push(now - last); last = now;
                          box.scrollTop = (box.scrollTop + 700) % (box.scrollHeight - box.clientHeight);
                          if (++frames < 240) requestAnimationFrame(step);
                          else { times.sort((a, b) => a - b);
                                 done({ median: times[times.length >> 1].toFixed(1), p95: times[Math.floor(times.length * .95)].toFixed(1),
                                        max: times[times.length - 1].toFixed(1), rowsInDom: document.querySelectorAll('.row').length }); }
                        }
                        requestAnimationFrame(step);
                        """);
                System.out.println("page figures: scrolling 240 frames through " + count + " units, frame interval ms " + fluency
                        + " (load " + ClusterPageBrowserTest.loadAverage() + ")");
                Object search = b.driver().executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        const s = document.getElementById('search');
                        const t0 = performance.now();
                        s.value = 'svc-0999'; s.dispatchEvent(new Event('input'));
                        requestAnimationFrame(() => requestAnimationFrame(() => done((performance.now() - t0).toFixed(1)
                          + ' ms to ' + document.querySelectorAll('.row:not([hidden])').length + ' rows')));
                        """);
                System.out.println("page figures: a search keystroke over " + count + " units, to the next frame: " + search);
                try (FlotillaClient api = PageCluster.client(daemon)) {
                    b.js("const s = document.getElementById('search'); s.value = 'late-one'; s.dispatchEvent(new Event('input'));");
                    long t0 = System.nanoTime();
                    api.submit("late-one.service", text("late", "role=sim"), DesiredState.LAUNCHED, false);
                    await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> "active".equals(
                            b.js("return document.querySelector('.row[data-unit=\"late-one.service\"]')?.dataset.state || ''")));
                    System.out.printf("page figures: with %d units, a unit started through the API shown active after %d ms%n",
                            count, (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
    }

    /** How long the daemon takes to send the event stream's snapshot line, without a browser. */
    private static void snapshotLine(Flotd daemon) throws Exception {
        for (int run = 1; run <= 3; run++) {
            long t0 = System.nanoTime();
            java.net.http.HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(PageCluster.url(daemon) + "/flotilla/v1/events")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            long headers = System.nanoTime();
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String line = in.readLine();
                System.out.printf("page figures: event stream headers after %d ms, snapshot line (%d chars) after %d ms (load %s)%n",
                        (headers - t0) / 1_000_000, line.length(), (System.nanoTime() - t0) / 1_000_000,
                        ClusterPageBrowserTest.loadAverage());
            }
        }
    }

    private static void printLoad(String what, HeadlessChromium b) {
        Object f = b.js("""
                const nav = performance.getEntriesByType('navigation')[0];
                const paint = performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint');
                const mark = performance.getEntriesByName('flotilla-rendered')[0];
                const mem = performance.memory ? (performance.memory.usedJSHeapSize / 1048576).toFixed(1) + ' MiB' : '?';
                return 'document ' + (nav.responseEnd - nav.requestStart).toFixed(1) + ' ms, DOMContentLoaded '
                  + nav.domContentLoadedEventEnd.toFixed(1) + ' ms, first contentful paint ' + (paint ? paint.startTime.toFixed(1) : '?')
                  + ' ms, units first rendered ' + (mark ? mark.startTime.toFixed(1) : '?') + ' ms (listing in at '
                  + (window.flotillaUi.stats.listedAt || 0).toFixed(1) + ' ms, stream snapshot applied at '
                  + window.flotillaUi.stats.snapshotAt.toFixed(1) + ' ms), page bytes '
                  + performance.getEntriesByType('resource').concat([nav]).reduce((a, r) => a + (r.transferSize || 0), 0)
                  + ', DOM elements ' + document.getElementsByTagName('*').length + ', unit rows in DOM '
                  + document.querySelectorAll('.row').length + ', JS heap ' + mem
                  + '; stream open at ' + (window.flotillaUi.stats.streamOpenAt || 0).toFixed(1) + ' ms, snapshot '
                  + window.flotillaUi.stats.snapshotBytes + ' chars parsed in ' + (window.flotillaUi.stats.snapshotParseMs || 0).toFixed(1)
                  + ' ms, slowest event handled in ' + (window.flotillaUi.stats.maxHandleMs || 0).toFixed(1) + ' ms, slowest frame '
                  + (window.flotillaUi.stats.maxRenderMs || 0).toFixed(1) + ' ms';
                """);
        System.out.println("page figures (" + what + "): " + f + " (load " + ClusterPageBrowserTest.loadAverage() + ")");
    }
}
