package dev.flotilla.api.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster page's files as the API serves them: types, policy, revalidation, refusals. */
@Tag("etcd")
class UiPageTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();

    @Test
    void thePageAndItsFilesAreServedWithTheirTypesAndAStrictPolicy(ApiCluster c) throws IOException {
        ApiCluster.Raw index = c.raw("GET", "/ui/", null, (String) null);
        assertEquals(200, index.status());
        assertEquals("text/html; charset=utf-8", index.headers().get("Content-Type"));
        assertTrue(index.body().contains("<script src=\"ui.js\""), index.body());
        assertEquals(UiAssets.POLICY, index.headers().get("Content-Security-Policy"));
        assertEquals("nosniff", index.headers().get("X-Content-Type-Options"));
        assertEquals("text/javascript; charset=utf-8", c.raw("GET", "/ui/ui.js", null, (String) null).headers().get("Content-Type"));
        assertEquals("text/css; charset=utf-8", c.raw("GET", "/ui/ui.css", null, (String) null).headers().get("Content-Type"));
    }

    @Test
    void theFilesAreSmallAndFetchNothingFromElsewhere(ApiCluster c) throws IOException {
        int total = 0;
        for (String f : new String[]{"/ui/", "/ui/ui.js", "/ui/ui.css"}) {
            String body = c.raw("GET", f, null, (String) null).body();
            total += body.getBytes(StandardCharsets.UTF_8).length;
            assertFalse(body.contains("http://") || body.contains("https://") || body.contains("//cdn"), f);
        }
        assertTrue(total < 64 << 10, "the page is " + total + " bytes");
    }

    @Test
    void anUnchangedFileIsRevalidatedWith304(ApiCluster c) throws IOException {
        String etag = c.raw("GET", "/ui/ui.js", null, (String) null).headers().get("ETag");
        StringBuilder req = new StringBuilder("GET /ui/ui.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag
                + "\r\nConnection: close\r\n\r\n");
        ApiCluster.Raw again = c.rawRequest(req.toString().getBytes(StandardCharsets.US_ASCII), false);
        assertEquals(304, again.status());
        assertEquals("", again.body());
    }

    @Test
    void unknownFilesAre404AndWritesAre405(ApiCluster c) throws IOException {
        assertEquals(404, c.raw("GET", "/ui/../registry", null, (String) null).status());
        assertEquals(404, c.raw("GET", "/ui/secret.txt", null, (String) null).status());
        ApiCluster.Raw post = c.raw("POST", "/ui/", "application/json", "{}");
        assertEquals(405, post.status());
        ApiCluster.Raw bare = c.raw("GET", "/ui", null, (String) null);
        assertEquals(301, bare.status());
        assertEquals("/ui/", bare.headers().get("Location"));
    }

    @Test
    void theUnixSocketServesThePageToo(ApiCluster c) throws IOException {
        ApiCluster.Raw index = c.rawRequest("GET /ui/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII), true);
        assertEquals(200, index.status());
    }
}
