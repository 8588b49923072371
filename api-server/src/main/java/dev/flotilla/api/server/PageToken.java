package dev.flotilla.api.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * fleet's opaque nextPageToken. Ours holds the last key of the page (not a page number, as
 * fleet's did), so units created or destroyed between two pages never shift what comes next.
 */
final class PageToken {
    private static final String VERSION = "1:";

    private PageToken() {
    }

    static String after(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key the page starts after; "" for the first page. */
    static String decode(String token) {
        if (token == null || token.isEmpty()) {
            return "";
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest("invalid nextPageToken");
        }
        if (!text.startsWith(VERSION) || text.length() == VERSION.length()) {
            throw HttpFailure.badRequest("invalid nextPageToken");
        }
        return text.substring(VERSION.length());
    }
}
