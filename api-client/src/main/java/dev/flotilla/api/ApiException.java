package dev.flotilla.api;

/** The API answered with an error, or could not be reached (status 0). */
public class ApiException extends RuntimeException {
    private final int status;
    private final String apiUrl;

    public ApiException(int status, String message) {
        this(status, message, "");
    }

    /** @param apiUrl on a 421, the API URL of the daemon to ask instead ("" when not given) */
    public ApiException(int status, String message, String apiUrl) {
        super(message);
        this.status = status;
        this.apiUrl = apiUrl == null ? "" : apiUrl;
    }

    public ApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.apiUrl = "";
    }

    /** On a 421, the API URL of the daemon that can answer (that of the unit's machine); "" otherwise. */
    public String apiUrl() {
        return apiUrl;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
