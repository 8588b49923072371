package dev.flotilla.api.server;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster page's files ({@code /ui/}), read once from this jar's resources into memory: a
 * request for one is answered from memory on the connection's thread, like {@code /health}. The
 * names are a fixed list (no path is ever mapped to a file). Each answer carries a strict content
 * security policy: the page's own script and style only, requests to this origin only.
 */
final class UiAssets {
    static final String PREFIX = "/ui/";
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String RESOURCES = "/dev/flotilla/api/server/ui/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "ui.css", "text/css; charset=utf-8",
            "ui.js", "text/javascript; charset=utf-8");

    /** One file: its bytes, type and a strong ETag (the SHA-1 of its bytes). */
    record Asset(byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;

    private UiAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Reads the page's files from the class path; a missing one is a broken build. */
    static UiAssets load() {
        Map<String, Asset> found = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            try (InputStream in = UiAssets.class.getResourceAsStream(RESOURCES + e.getKey())) {
                if (in == null) {
                    throw new IllegalStateException("the page file " + e.getKey() + " is missing from the API's jar");
                }
                byte[] bytes = in.readAllBytes();
                found.put(e.getKey(), new Asset(bytes, e.getValue(), "\"" + sha1(bytes) + "\""));
            } catch (IOException ex) {
                throw new IllegalStateException("cannot read the page file " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        return new UiAssets(Map.copyOf(found));
    }

    /** Whether the path is the page's: {@code /ui}, {@code /ui/} or a file under it. */
    static boolean isPagePath(String path) {
        return path.equals("/ui") || path.startsWith(PREFIX);
    }

    /** The file a path names: {@code /ui/} is {@code index.html}; unknown names are empty. */
    Optional<Asset> find(String path) {
        if (!path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String name = path.substring(PREFIX.length());
        return Optional.ofNullable(assets.get(name.isEmpty() ? "index.html" : name));
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
