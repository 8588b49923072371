package dev.flotilla.api;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads any GET answer of a flotd API as bytes, with the client's own endpoint and credentials
 * (unix socket, TLS, token): for {@code flotctl ui}, which forwards a browser's requests. An
 * answer that streams (the event stream, a followed journal) is handed over as it arrives: it is
 * bounded by {@code idle} (no bytes for that long closes it), not by the request timeout.
 */
public final class ApiForwarder {
    private final HttpTransport http;
    private final Endpoint endpoint;

    public ApiForwarder(Endpoint endpoint, Duration requestTimeout, Credentials credentials) {
        this.endpoint = endpoint;
        this.http = new HttpTransport(endpoint, requestTimeout, credentials);
    }

    /** One answer: status, type and the body, read from the open connection; close it when done. */
    public static final class Answer implements Closeable {
        private final HttpTransport.Answer answer;

        private Answer(HttpTransport.Answer answer) {
            this.answer = answer;
        }

        public int status() {
            return answer.status;
        }

        /** Empty when the daemon gave none. */
        public String contentType() {
            return answer.contentType;
        }

        public InputStream body() {
            return answer.body;
        }

        @Override
        public void close() {
            answer.close();
        }
    }

    /** @param pathAndQuery e.g. {@code /fleet/v1/machines} or {@code /flotilla/v1/events?since=0} */
    public Answer get(String pathAndQuery) {
        return new Answer(http.send("GET", pathAndQuery, null));
    }

    /** A GET whose answer may stream for as long as the daemon keeps it open (see the class). */
    public Answer stream(String pathAndQuery, Duration idle) {
        return new Answer(http.stream(pathAndQuery, idle));
    }

    public Endpoint endpoint() {
        return endpoint;
    }
}
