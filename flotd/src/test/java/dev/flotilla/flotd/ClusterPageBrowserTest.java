package dev.flotilla.flotd;

import dev.flotilla.api.ApiForwarder;
import dev.flotilla.api.Credentials;
import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.flotctl.UiProxy;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster page in a real browser (Debian's chromium, headless) against daemons run with
 * {@code systemd=off} over a real etcd: served by flotd itself, and through {@code flotctl ui}'s
 * forwarder over the daemon's unix socket.
 */
@Tag("etcd")
@Tag("browser")
class ClusterPageBrowserTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private PageCluster cluster;
    private HeadlessChromium browser;
    private Flotd serving;
    private Flotd leaving;
    private SimulatedMachine sim;

    static String unitText(String description) {
        return "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sleep infinity\n\n"
                + "[X-Fleet]\nMachineMetadata=role=sim\n";
    }

    @BeforeEach
    void start() throws Exception {
        cluster = new PageCluster(etcd, dir);
        serving = cluster.daemon("a", "a".repeat(32), "role=daemon");
        leaving = cluster.daemon("b", "b".repeat(32), "role=daemon");
        sim = cluster.machine("c".repeat(32), "127.0.0.30", Map.of("role", "sim"));
        try (FlotillaClient api = PageCluster.client(serving)) {
            for (int i = 1; i <= 3; i++) {
                api.submit("web-" + i + ".service", unitText("web " + i), DesiredState.LAUNCHED, false);
            }
        }
        browser = new HeadlessChromium(1280, 800);
    }

    @AfterEach
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            cluster.close();
        }
    }

    private String rowState(String unit) {
        Object s = browser.js("const r = document.querySelector('.row[data-unit=\"' + arguments[0] + '\"]');"
                + "return r && !r.hidden ? r.dataset.state : null;", unit);
        return s == null ? "" : s.toString();
    }

    /** The rendered text of the first element matching the selector, "" when there is none. */
    private String text(String css) {
        Object t = browser.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return t == null ? "" : t.toString();
    }

    @SuppressWarnings("unchecked")
    private List<String> cards() {
        return (List<String>) browser.js("return [...document.querySelectorAll('.machine')].map(c => c.dataset.machine);");
    }

    private void load(String url) {
        browser.driver().get(url);
        browser.js("window.__sameDocument = 'yes';"); // gone if the page were reloaded
        await().atMost(BOUND).until(() -> "true".equals(browser.js("return document.body.dataset.ready || '';")));
    }

    @Test
    void thePageShowsTheClusterAndFollowsItLiveWithoutAReload() {
        load(PageCluster.url(serving) + "/ui/");

        // machines and units are listed
        await().atMost(BOUND).until(() -> cards().size() == 3);
        assertEquals(List.of("a".repeat(32), "b".repeat(32), "c".repeat(32)), cards());
        await().atMost(BOUND).until(() -> List.of(1, 2, 3).stream().allMatch(i -> rowState("web-" + i + ".service").equals("active")));
        // read in one script: the page redraws a card when news comes, so a node looked up first
        // may be gone (stale) by the time its text is asked for
        await().atMost(BOUND).until(() -> text(".machine[data-machine='" + "c".repeat(32) + "']").contains("3 units"));
        // the engine leader is marked (one of the two daemons), and the rollouts panel says there are none
        await().atMost(BOUND).until(() -> browser.js("return [...document.querySelectorAll('.machine')]"
                + ".filter(c => c.querySelector('.badge')).map(c => c.dataset.machine).join()").toString().matches("a{32}|b{32}"));
        await().atMost(BOUND).until(() -> Boolean.FALSE.equals(browser.js("return document.getElementById('rollouts-section').hidden"))
                && browser.js("return document.getElementById('rollouts').textContent").toString().contains("no rollouts"));

        // a unit started through the API turns active on the page, found by the search box
        WebElement search = browser.driver().findElement(By.id("search"));
        search.sendKeys("late");
        long started = System.nanoTime();
        try (FlotillaClient api = PageCluster.client(serving)) {
            api.submit("late.service", unitText("started while the page was open"), DesiredState.LAUNCHED, false);
        }
        await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> rowState("late.service").equals("active"));
        System.out.printf("late.service: submitted -> shown active on the page in %d ms (load %s)%n",
                (System.nanoTime() - started) / 1_000_000, loadAverage());
        assertEquals("", rowState("web-1.service"), "the search shows only matching units");

        // a stopped machine disappears
        leaving.close();
        await().atMost(BOUND).until(() -> cards().size() == 2);
        assertEquals(List.of("a".repeat(32), "c".repeat(32)), cards());

        // the detail view shows the unit's text, opened from the keyboard
        WebElement list = browser.driver().findElement(By.id("units"));
        list.sendKeys(Keys.ARROW_DOWN);
        list.sendKeys(Keys.ENTER);
        await().atMost(BOUND).until(() -> text("#detail-text").contains("Description=started while the page was open"));
        await().atMost(BOUND).until(() -> text("#detail-states").contains("active"));

        assertEquals("yes", browser.js("return window.__sameDocument || 'reloaded';"));
    }

    @Test
    void throughFlotctlUiOverTheUnixSocketThePageIsLiveToo() throws Exception {
        ApiForwarder forwarder = new ApiForwarder(Endpoint.parse("unix://" + dir.resolve("a").resolve("api.sock")),
                Duration.ofSeconds(30), Credentials.none());
        try (UiProxy proxy = UiProxy.start(forwarder, 0)) {
            load(proxy.pageUrl());
            await().atMost(BOUND).until(() -> cards().size() == 3);
            await().atMost(BOUND).until(() -> rowState("web-1.service").equals("active"));
            try (FlotillaClient api = PageCluster.client(serving)) {
                api.submit("proxied.service", unitText("through flotctl ui"), DesiredState.LAUNCHED, false);
            }
            await().atMost(BOUND).until(() -> rowState("proxied.service").equals("active"));
            sim.close();
            await().atMost(BOUND).until(() -> cards().size() == 2);
            assertEquals("yes", browser.js("return window.__sameDocument || 'reloaded';"));
        }
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
