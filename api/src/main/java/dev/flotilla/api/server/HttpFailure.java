package dev.flotilla.api.server;

/** A request is refused with this status and message (fleet's error body). */
final class HttpFailure extends RuntimeException {
    private final int status;
    private final String allow;

    HttpFailure(int status, String message) {
        this(status, message, null);
    }

    private HttpFailure(int status, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.allow = allow;
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
        return new HttpFailure(405, "method " + method + " not allowed here; use " + allow.replace(",", ", "), allow);
    }

    int status() {
        return status;
    }

    /** The Allow header of a 405, else null. */
    String allow() {
        return allow;
    }
}
