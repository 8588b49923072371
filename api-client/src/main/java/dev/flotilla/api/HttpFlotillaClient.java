package dev.flotilla.api;

import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;
import dev.flotilla.model.DesiredState;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The client over {@link HttpTransport} (unix socket, TCP or TLS); safe to share between threads. */
final class HttpFlotillaClient implements FlotillaClient {
    /**
     * Beyond this, names are not put in the URL (servers limit the request line, Jetty to 8 KiB):
     * everything is asked for and filtered here.
     */
    static final int MAX_QUERY_CHARS = 4096;
    /** Error bodies are short; anything longer is cut. */
    private static final int MAX_ERROR_BYTES = 64 << 10;

    private final HttpTransport http;

    HttpFlotillaClient(Endpoint endpoint, Duration timeout, Credentials credentials) {
        this.http = new HttpTransport(endpoint, timeout, credentials);
    }

    @Override
    public List<MachineEntity> machines() {
        List<MachineEntity> all = new ArrayList<>();
        String token = "";
        do {
            MachinePage page = get("/fleet/v1/machines" + tokenQuery("?", token), MachinePage.class);
            all.addAll(page.machines());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    @Override
    public EngineStatus engine() {
        return get("/flotilla/v1/engine", EngineStatus.class);
    }

    // ---- fleet v1 ----

    @Override
    public List<Unit> units() {
        List<Unit> all = new ArrayList<>();
        String token = "";
        do {
            UnitPage page = get("/fleet/v1/units" + tokenQuery("?", token), UnitPage.class);
            all.addAll(page.units());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    @Override
    public Optional<Unit> unit(String name) {
        return getIfExists("/fleet/v1/units/" + segment(name), Unit.class);
    }

    @Override
    public boolean putUnit(Unit unit) {
        return exchange("PUT", "/fleet/v1/units/" + segment(unit.name()), encode(unit), null) == 201;
    }

    @Override
    public boolean deleteUnit(String name) {
        try {
            exchange("DELETE", "/flotilla/v1/units/" + segment(name), null, null);
            return true;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<UnitStateEntity> unitStates(String machineId, String unitName) {
        List<UnitStateEntity> all = new ArrayList<>();
        StringBuilder filter = new StringBuilder();
        if (machineId != null && !machineId.isEmpty()) {
            filter.append("&machineID=").append(URLEncoder.encode(machineId, StandardCharsets.UTF_8));
        }
        if (unitName != null && !unitName.isEmpty()) {
            filter.append("&unitName=").append(URLEncoder.encode(unitName, StandardCharsets.UTF_8));
        }
        String token = "";
        do {
            String query = filter + tokenQuery("&", token);
            UnitStatePage page = get("/fleet/v1/state" + (query.isEmpty() ? "" : "?" + query.substring(1)), UnitStatePage.class);
            all.addAll(page.states());
            token = page.nextPageToken() == null ? "" : page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    // ---- Flotilla v1 ----

    @Override
    public UnitListing listing() {
        return get("/flotilla/v1/units", UnitListing.class);
    }

    @Override
    public UnitListing listing(Collection<String> unitNames) {
        return listing(unitNames, java.util.EnumSet.allOf(UnitListing.Part.class));
    }

    @Override
    public UnitListing listing(Collection<String> unitNames, java.util.Set<UnitListing.Part> parts) {
        StringBuilder query = new StringBuilder();
        for (String name : unitNames) {
            query.append(query.length() == 0 ? "?" : "&").append("unit=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        boolean filterHere = query.length() > MAX_QUERY_CHARS;
        if (filterHere) {
            query.setLength(0);
        }
        if (parts.size() < UnitListing.Part.values().length) {
            for (UnitListing.Part p : parts) {
                query.append(query.length() == 0 ? "?" : "&").append("include=").append(p.queryValue());
            }
        }
        UnitListing all = get("/flotilla/v1/units" + query, UnitListing.class);
        if (!filterHere) {
            return all;
        }
        java.util.Set<String> only = new java.util.HashSet<>(unitNames);
        return new UnitListing(all.units().stream().filter(u -> only.contains(u.name())).toList(),
                all.states().stream().filter(s -> only.contains(s.name())).toList());
    }

    @Override
    public Optional<UnitDetail> unitDetail(String name) {
        return getIfExists("/flotilla/v1/units/" + segment(name), UnitDetail.class);
    }

    @Override
    public UnitChange submit(String name, String text, DesiredState desired, boolean replace) {
        return put(name, new UnitRequest(text, desired == null ? null : desired.fleetName(), replace ? Boolean.TRUE : null));
    }

    @Override
    public UnitChange setDesiredState(String name, DesiredState desired) {
        return put(name, new UnitRequest(null, desired.fleetName(), null));
    }

    @Override
    public PlanReport plan(List<UnitSubmission> units) {
        Object[] answer = new Object[1];
        exchange("POST", "/flotilla/v1/plan", encode(units), a -> answer[0] = decode(a, PlanReport.class));
        return (PlanReport) answer[0];
    }

    @Override
    public List<MachineDetail> machineDetails() {
        return get("/flotilla/v1/machines", MachineDetails.class).machines();
    }

    @Override
    public List<UnitResult> submitAll(List<UnitSubmission> units) {
        Object[] answer = new Object[1];
        exchange("POST", "/flotilla/v1/units", encode(units), a -> answer[0] = decode(a, UnitResults.class));
        return ((UnitResults) answer[0]).results();
    }

    @Override
    public RolloutView startRollout(RolloutRequest request) {
        Object[] answer = new Object[1];
        exchange("POST", "/flotilla/v1/rollouts", encode(request), a -> answer[0] = decode(a, RolloutView.class));
        return (RolloutView) answer[0];
    }

    @Override
    public List<RolloutView> rollouts() {
        return get("/flotilla/v1/rollouts", RolloutPage.class).rollouts();
    }

    @Override
    public Optional<RolloutView> rollout(String id) {
        return getIfExists("/flotilla/v1/rollouts/" + segment(id), RolloutView.class);
    }

    @Override
    public RolloutView requestRollout(String id, String action) {
        Object[] answer = new Object[1];
        exchange("POST", "/flotilla/v1/rollouts/" + segment(id) + "/" + segment(action), new byte[0],
                a -> answer[0] = decode(a, RolloutView.class));
        return (RolloutView) answer[0];
    }

    private UnitChange put(String name, UnitRequest body) {
        Object[] answer = new Object[1];
        exchange("PUT", "/flotilla/v1/units/" + segment(name), encode(body), a -> answer[0] = decode(a, UnitChange.class));
        return (UnitChange) answer[0];
    }

    @Override
    public String unitStatus(String name) {
        Object[] answer = new Object[1];
        exchange("GET", "/flotilla/v1/units/" + segment(name) + "/status", null,
                a -> answer[0] = new String(a.bytes(2 << 20), StandardCharsets.UTF_8));
        return (String) answer[0];
    }

    @Override
    public void journal(String name, int lines, boolean follow, java.io.OutputStream out) {
        String path = "/flotilla/v1/units/" + segment(name) + "/journal?lines=" + lines + (follow ? "&follow=true" : "");
        // A followed journal may stay quiet for hours: no idle limit, only the wait for the headers.
        try (HttpTransport.Answer answer = http.stream(path, java.time.Duration.ofDays(3650))) {
            if (answer.status != 200) {
                throw failure(answer.status, answer.bytes(MAX_ERROR_BYTES));
            }
            byte[] buf = new byte[8192];
            for (int n = answer.body.read(buf); n >= 0; n = answer.body.read(buf)) {
                int kept = withoutProbes(buf, n);
                if (kept > 0) {
                    out.write(buf, 0, kept);
                    out.flush();
                }
            }
        } catch (IOException e) {
            throw new ApiException("journal of " + name + " interrupted: " + HttpTransport.describe(e), e);
        }
    }

    /**
     * Drops the NUL bytes a daemon writes into a quiet followed journal to notice a vanished client
     * (journalctl's own output has none); returns how many bytes remain at the front of {@code buf}.
     */
    static int withoutProbes(byte[] buf, int n) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] != 0) {
                buf[kept++] = buf[i];
            }
        }
        return kept;
    }

    @Override
    public EventStream events(long since, java.util.function.Consumer<ClusterEvent> listener,
                              java.util.function.Consumer<ApiException> onError) {
        if (since < 0) {
            throw new IllegalArgumentException("since must be >= 0");
        }
        return new HttpEventStream(http, since, listener, onError);
    }

    // ---- plumbing ----

    private static String tokenQuery(String separator, String token) {
        return token.isEmpty() ? "" : separator + "nextPageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /**
     * A unit name as one path segment: everything but letters, digits and {@code -._~@:} is
     * percent-encoded, and so is a segment of dots only, so that no client or proxy resolves it
     * as {@code .} or {@code ..}; the server checks the decoded name.
     */
    static String segment(String name) {
        boolean dotsOnly = !name.isEmpty() && name.chars().allMatch(c -> c == '.');
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '~' || c == '@' || c == ':' || (c == '.' && !dotsOnly);
            if (plain) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static byte[] encode(Object body) {
        try {
            return Json.write(body);
        } catch (JsonException e) {
            throw new ApiException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    private <T> T get(String path, Class<T> type) {
        Object[] answer = new Object[1];
        exchange("GET", path, null, a -> answer[0] = decode(a, type));
        return type.cast(answer[0]);
    }

    private <T> Optional<T> getIfExists(String path, Class<T> type) {
        try {
            return Optional.of(get(path, type));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private interface Reader {
        void read(HttpTransport.Answer answer) throws IOException;
    }

    /** One request; an error status becomes an ApiException with the server's message. */
    private int exchange(String method, String path, byte[] body, Reader onSuccess) {
        try (HttpTransport.Answer answer = http.send(method, path, body)) {
            try {
                if (answer.status >= 400) {
                    throw failure(answer.status, answer.bytes(MAX_ERROR_BYTES));
                }
                if (onSuccess != null) {
                    onSuccess.read(answer);
                }
                return answer.status;
            } catch (IOException e) {
                if (answer.timedOut()) {
                    throw http.noAnswer(e);
                }
                throw new ApiException(answer.status, "unreadable answer from flotd: " + HttpTransport.describe(e));
            }
        }
    }

    /** An error answer as an exception: the server's message, and the daemon to ask on a 421. */
    static ApiException failure(int status, byte[] body) {
        String apiUrl = "";
        try {
            // a newer daemon's answers may carry fields this client does not know
            ApiError error = Json.read(body, ApiError.class, Json.Unknown.IGNORE);
            if (error != null && error.error() != null && error.error().apiURL() != null) {
                apiUrl = error.error().apiURL();
            }
        } catch (JsonException e) {
            // not a fleet error body: no URL
        }
        return new ApiException(status, errorMessage(status, body), apiUrl);
    }

    static String errorMessage(int status, byte[] body) {
        try {
            ApiError error = Json.read(body, ApiError.class, Json.Unknown.IGNORE);
            if (error != null && error.error() != null && error.error().message() != null) {
                return error.error().message();
            }
        } catch (JsonException e) {
            // not a fleet error body: fall through to the raw text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return "HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }

    /** Unknown fields are skipped: a newer daemon may answer with more than this client knows. */
    private static <T> T decode(HttpTransport.Answer answer, Class<T> type) throws IOException {
        byte[] body = answer.all();
        try {
            return Json.read(body, type, Json.Unknown.IGNORE);
        } catch (JsonException e) {
            throw new IOException("not the JSON expected: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // Every exchange has its own connection, closed when it ends: nothing is left open.
    }
}
