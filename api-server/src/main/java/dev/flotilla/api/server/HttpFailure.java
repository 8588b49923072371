package dev.flotilla.api.server;

/** A request is refused with this status and message (fleet's error body). */
final class HttpFailure extends RuntimeException {
    private final int status;
    private final String allow;
    private final boolean challenge;
    private final String apiUrl;
    private final int retryAfterSeconds;

    HttpFailure(int status, String message) {
        this(status, message, null, false, null, 0);
    }

    private HttpFailure(int status, String message, String allow, boolean challenge, String apiUrl, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
        this.challenge = challenge;
        this.apiUrl = apiUrl;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 503 with {@code Retry-After: 1}: the daemon is at a limit that frees itself within moments. */
    static HttpFailure busy(String message) {
        return new HttpFailure(503, message, null, false, null, 1);
    }

    /** 421: the unit runs on another machine, whose daemon answers at apiUrl ("" when it has no TCP API). */
    static HttpFailure misdirected(String message, String apiUrl) {
        return new HttpFailure(421, message, null, false, apiUrl, 0);
    }

    /** 401 with a {@code WWW-Authenticate: Bearer} challenge. */
    static HttpFailure unauthorized(String message) {
        return new HttpFailure(401, message, null, true, null, 0);
    }

    static HttpFailure badRequest(String message) {
        return new HttpFailure(400, message);
    }

    static HttpFailure notFound(String message) {
        return new HttpFailure(404, message);
    }

    static HttpFailure conflict(String message) {
        return new HttpFailure(409, message);
    }

    static HttpFailure methodNotAllowed(String method, String allow) {
        return new HttpFailure(405, "method " + method + " not allowed here; use " + allow.replace(",", ", "), allow, false, null, 0);
    }

    int status() {
        return status;
    }

    /** Whether the answer carries a WWW-Authenticate challenge (401). */
    boolean challenge() {
        return challenge;
    }

    /** The API URL named by a 421, else null. */
    String apiUrl() {
        return apiUrl;
    }

    /** The Retry-After header in seconds, else 0. */
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The Allow header of a 405, else null. */
    String allow() {
        return allow;
    }
}
