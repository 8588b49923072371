package dev.flotilla.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Transport;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client over Jetty's HttpClient (TCP or unix socket). */
final class HttpFlotillaClient implements FlotillaClient {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Endpoint endpoint;
    private final Duration timeout;
    private final HttpClient http;

    HttpFlotillaClient(Endpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = new HttpClient();
        http.setUserAgentField(null);
        try {
            http.start();
        } catch (Exception e) {
            throw new ApiException("cannot start the HTTP client: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Machine> machines() {
        List<Machine> all = new ArrayList<>();
        String token = "";
        do {
            String query = token.isEmpty() ? "" : "?nextPageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            MachinePage page = get("/fleet/v1/machines" + query, MachinePage.class);
            all.addAll(page.machines());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    @Override
    public EngineStatus engine() {
        return get("/flotilla/v1/engine", EngineStatus.class);
    }

    private <T> T get(String path, Class<T> type) {
        ContentResponse response = send(http.newRequest(endpoint.baseUri() + path).method("GET"));
        return decode(response, type);
    }

    private ContentResponse send(Request request) {
        endpoint.unixSocket().ifPresent(socket -> request.transport(new Transport.TCPUnix(socket)));
        try {
            ContentResponse response = request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).send();
            if (response.getStatus() >= 400) {
                throw new ApiException(response.getStatus(), errorMessage(response));
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", e);
        } catch (TimeoutException e) {
            throw new ApiException("no answer from " + endpoint + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ApiException("cannot reach flotd at " + endpoint + ": " + describe(cause), cause);
        }
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    private static String errorMessage(ContentResponse response) {
        try {
            ApiError error = JSON.readValue(response.getContent(), ApiError.class);
            if (error.error() != null && error.error().message() != null) {
                return error.error().message();
            }
        } catch (IOException e) {
            // not a fleet error body: fall through to the raw text
        }
        String body = response.getContentAsString();
        return "HTTP " + response.getStatus() + (body == null || body.isBlank() ? "" : ": " + body.strip());
    }

    private static <T> T decode(ContentResponse response, Class<T> type) {
        try {
            return JSON.readValue(response.getContent(), type);
        } catch (IOException e) {
            throw new ApiException(response.getStatus(), "unreadable answer from flotd: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // closing a client: nothing useful to do
        }
    }
}
