package dev.flotilla.api.server;

import java.util.Locale;

/**
 * Decides whether one request may proceed; pure, so every rule is tested without sockets.
 * Read-only = GET and HEAD.
 */
final class AccessGuard {
    /** What the request arrived with. */
    record Arrival(boolean tcp, boolean secure, String authorization, boolean clientCertificate, String method) {
    }

    private final ApiSecurity security;

    AccessGuard(ApiSecurity security) {
        this.security = security;
    }

    /** @return who the caller is ("unix socket", "token NAME", "client certificate", "loopback") */
    String check(Arrival a) {
        if (!a.tcp()) {
            return "unix socket";
        }
        if (security.tls() && !a.secure()) {
            throw new HttpFailure(400, "this port speaks TLS only: use https://");
        }
        if (a.authorization() != null) {
            String token = bearer(a.authorization());
            AccessTokens.Token t = security.tokens().find(token).orElseThrow(() -> HttpFailure.unauthorized(
                    "invalid bearer token"));
            if (!t.readWrite() && !readOnly(a.method())) {
                throw new HttpFailure(403, "token '" + t.name() + "' is read-only: " + a.method() + " refused");
            }
            return "token " + t.name();
        }
        if (a.clientCertificate()) {
            // The TLS handshake verified it against the client CA: any other certificate is refused there.
            return "client certificate";
        }
        if (!security.tls() && security.tokens().isEmpty()) {
            return "loopback";
        }
        throw HttpFailure.unauthorized("authentication required: present "
                + (security.clientCa().isPresent() ? "a client certificate or " : "") + "a bearer token (Authorization: Bearer ...)");
    }

    /**
     * The page's own files ({@link UiAssets}) carry no cluster data, and a browser cannot put a
     * token on a navigation: they are served to anyone who reaches the listener, GET and HEAD only,
     * over TLS where the port speaks TLS. Every API call the page makes then meets {@link #check}.
     */
    void checkPage(Arrival a) {
        if (!readOnly(a.method())) {
            throw HttpFailure.methodNotAllowed(a.method(), "GET,HEAD");
        }
        if (a.tcp() && security.tls() && !a.secure()) {
            throw new HttpFailure(400, "this port speaks TLS only: use https://");
        }
    }

    private static String bearer(String header) {
        String h = header.strip();
        if (h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return h.substring(7).strip();
        }
        throw HttpFailure.unauthorized("the Authorization header must be 'Bearer <token>'");
    }

    static boolean readOnly(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }
}
