package dev.flotilla.api.server;

import dev.flotilla.api.EngineStatus;
import dev.flotilla.api.MachineEntity;
import dev.flotilla.api.MachinePage;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.PartialWriteException;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.WriteRefusedException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Routes API requests. Declared non-blocking, so Jetty may call it on the connection's own thread
 * (a selector) without taking a pool thread: {@code /health} is answered there at once, from memory,
 * however many requests hold or wait for work threads; every other request may block on etcd and is
 * handed to its transport's work pool (TCP or the unix socket), once its body, if any, is in.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    /** The methods whose handlers take a body: it is read before they run. */
    private static final Set<String> BODY_METHODS = Set.of("PUT", "POST", "PATCH");

    private final Registry registry;
    private final Supplier<ApiServer.Health> health;
    private final FleetUnits fleetUnits;
    private final FlotillaUnits flotillaUnits;
    private final UnitBatch unitBatch;
    private final MachinePatch machinePatch;
    private final RolloutEndpoints rollouts;
    private final PlanEndpoint plans;
    private final Reads reads;
    private final AccessGuard guard;
    private final ApiStats stats;
    private final MetricsEndpoint metrics;
    private final EventsEndpoint events;
    private final UnitInspection inspection;
    private final ApiLimits limits;
    private final BodyBudget bodies;
    private final HeaderDeadline headers;
    private final Executor tcpWork;
    private final Executor localWork;
    private final UiAssets page = UiAssets.load();

    ApiHandler(Registry registry, Supplier<ApiServer.Health> health, Reads reads, AccessGuard guard, ApiStats stats,
               MetricsEndpoint metrics, EventsEndpoint events, UnitInspection inspection, ApiLimits limits,
               BodyBudget bodies, HeaderDeadline headers, Executor tcpWork, Executor localWork, SchedulingPass pass,
               Mirror<dev.flotilla.model.UnitState> states, Mirror<dev.flotilla.model.Assignment> assignments) {
        super(InvocationType.NON_BLOCKING);
        this.tcpWork = tcpWork;
        this.localWork = localWork;
        this.headers = headers;
        this.limits = limits;
        this.bodies = bodies;
        this.events = events;
        this.inspection = inspection;
        this.registry = registry;
        this.health = health;
        this.guard = guard;
        this.stats = stats;
        this.metrics = metrics;
        ListingGate listings = new ListingGate(); // one per daemon: fleet's pages and Flotilla's listings share it
        this.fleetUnits = new FleetUnits(registry, reads, listings, assignments);
        this.flotillaUnits = new FlotillaUnits(registry, reads, listings, states, assignments);
        this.unitBatch = new UnitBatch(registry);
        this.machinePatch = new MachinePatch(registry);
        this.rollouts = new RolloutEndpoints(registry);
        this.plans = new PlanEndpoint(registry, reads, pass);
        this.reads = reads;
    }

    @Override
    public boolean handle(Request request, Response plain, Callback callback) {
        headers.arrived(request.getConnectionMetaData().getConnection());
        if ("GET".equals(request.getMethod()) && "/health".equals(request.getHttpURI().getPath())) {
            answer(request, plain, callback); // memory only: the health supplier and the guard never block
            return true;
        }
        if (UiAssets.isPagePath(request.getHttpURI().getPath())) {
            servePage(request, new CountedResponse(request, plain, stats), callback); // memory only too
            return true;
        }
        work(request, plain, callback, () -> answer(request, plain, callback));
        return true;
    }

    /** Runs a handler on its transport's work pool (never on Jetty's threads: it may block). */
    private void work(Request request, Response response, Callback callback, Runnable task) {
        Executor pool = request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress
                ? tcpWork : localWork;
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            Exchange.error(response, callback, 503, "the daemon is serving too many requests; try again shortly");
        }
    }

    private void answer(Request request, Response plain, Callback callback) {
        CountedResponse response = new CountedResponse(request, plain, stats);
        Exchange ex;
        try {
            ex = new Exchange(request, response, callback);
            guard.check(arrival(request, ex.method));
        } catch (HttpFailure e) {
            writeFailure(response, callback, e);
            response.count();
            return;
        }
        if (BODY_METHODS.contains(ex.method)) {
            // Routed once the whole body is in: waiting for its bytes holds no thread.
            new BodyRead(request, limits, bodies, request.getComponents().getScheduler(), (bytes, release) ->
                    work(request, response, callback, () -> {
                        try {
                            ex.body(bytes);
                            serve(ex, response);
                        } finally {
                            release.run(); // the handlers that take a body answer before they return
                        }
                    }), refusal -> {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                writeFailure(response, callback, refusal);
                response.count();
            }).start();
            return;
        }
        serve(ex, response);
    }

    private void serve(Exchange ex, CountedResponse response) {
        try {
            route(ex);
        } catch (HttpFailure e) {
            writeFailure(ex.response, ex.callback, e);
        } catch (WriteRefusedException e) {
            // Permanent: etcd's request limit; sending the same again fails the same way.
            ex.error(413, "the cluster cannot store this request: " + e.getMessage());
        } catch (PartialWriteException e) {
            stats.etcdError();
            ex.error(e.refused() ? 413 : 503, "written in part, then " + e.getMessage());
        } catch (RegistryException e) {
            stats.etcdError();
            ex.error(503, "cluster state unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} {} failed", ex.method, ex.request.getHttpURI().getPath(), e);
            ex.error(500, "internal error: " + e);
        }
        // Counted as its first bytes went out; a stream that has written nothing yet is counted now.
        response.count();
    }

    /** The page's files: see {@link AccessGuard#checkPage} for who may read them. */
    private void servePage(Request request, CountedResponse response, Callback callback) {
        try {
            guard.checkPage(arrival(request, request.getMethod()));
            String path = request.getHttpURI().getPath();
            if (path.equals("/ui")) {
                response.setStatus(301);
                response.getHeaders().put(HttpHeader.LOCATION, UiAssets.PREFIX);
                response.write(true, null, callback);
                return;
            }
            UiAssets.Asset asset = page.find(path).orElseThrow(() -> HttpFailure.notFound("no such page file: " + path));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
            response.getHeaders().put(HttpHeader.ETAG, asset.etag());
            // Revalidated on every load (a 304 costs a few bytes): a new flotd serves its new page at once.
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            response.getHeaders().put("Content-Security-Policy", UiAssets.POLICY);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put("Referrer-Policy", "no-referrer");
            if (asset.etag().equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
                response.setStatus(304);
                response.write(true, null, callback);
                return;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
            response.write(true, request.getMethod().equals("HEAD") ? null : java.nio.ByteBuffer.wrap(asset.bytes()), callback);
        } catch (HttpFailure e) {
            writeFailure(response, callback, e);
        } finally {
            response.count();
        }
    }

    private static AccessGuard.Arrival arrival(Request request, String method) {
        boolean tcp = request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress;
        Object ssl = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        boolean cert = ssl instanceof EndPoint.SslSessionData d && d.peerCertificates() != null
                && d.peerCertificates().length > 0;
        return new AccessGuard.Arrival(tcp, request.isSecure(), request.getHeaders().get(HttpHeader.AUTHORIZATION),
                cert, method);
    }

    private static void writeFailure(Response response, Callback callback, HttpFailure e) {
        if (e.challenge()) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"flotilla\"");
        }
        if (e.retryAfterSeconds() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        }
        if (e.allow() != null) {
            response.getHeaders().put(HttpHeader.ALLOW, e.allow().replace(",", ", "));
        }
        Exchange.error(response, callback, e.status(), e.getMessage(), e.apiUrl());
    }

    private void route(Exchange ex) {
        List<String> s = ex.segments;
        String path = String.join("/", s);
        if (s.size() == 1 && path.equals("health")) {
            ex.requireMethod("GET");
            ApiServer.Health h = health.get();
            ex.json(h.healthy() ? 200 : 503, Map.of("healthy", h.healthy(), "machineID", h.machineId(), "detail", h.detail()));
        } else if (s.size() == 1 && path.equals("metrics")) {
            ex.requireMethod("GET");
            ex.text(200, MetricsText.CONTENT_TYPE, MetricsText.render(metrics.metrics()));
        } else if (s.size() >= 3 && s.get(0).equals("fleet") && s.get(1).equals("v1")) {
            routeFleet(ex, s);
        } else if (s.size() >= 3 && s.get(0).equals("flotilla") && s.get(1).equals("v1")) {
            routeFlotilla(ex, s);
        } else {
            throw noSuchResource(ex);
        }
    }

    private void routeFleet(Exchange ex, List<String> s) {
        String resource = s.get(2);
        if (s.size() == 3 && resource.equals("machines")) {
            ex.requireMethod("GET,PATCH");
            if (ex.method.equals("PATCH")) {
                machinePatch.patch(ex);
                return;
            }
            List<MachineEntity> machines = registry.machines().value().stream()
                    .map(m -> new MachineEntity(m.id(), m.publicIp(), m.metadata(), m.apiUrl())).toList();
            ex.json(200, new MachinePage(machines, null));
        } else if (s.size() == 3 && resource.equals("units")) {
            ex.requireMethod("GET");
            fleetUnits.list(ex);
        } else if (s.size() == 4 && resource.equals("units")) {
            ex.requireMethod("GET,PUT,DELETE");
            switch (ex.method) {
                case "GET" -> fleetUnits.get(ex, s.get(3));
                case "PUT" -> fleetUnits.put(ex, s.get(3));
                default -> fleetUnits.delete(ex, s.get(3));
            }
        } else if (s.size() == 3 && resource.equals("state")) {
            ex.requireMethod("GET");
            fleetUnits.states(ex);
        } else if (s.size() == 4 && resource.equals("state")) {
            ex.requireMethod("GET");
            fleetUnits.state(ex, s.get(3));
        } else {
            throw noSuchResource(ex);
        }
    }

    private void routeFlotilla(Exchange ex, List<String> s) {
        String resource = s.get(2);
        if (s.size() == 3 && resource.equals("engine")) {
            ex.requireMethod("GET");
            ex.json(200, new EngineStatus(registry.engineLeader().orElse("")));
        } else if (s.size() == 3 && resource.equals("machines")) {
            ex.requireMethod("GET");
            ex.json(200, machineDetails());
        } else if (s.size() == 3 && resource.equals("plan")) {
            ex.requireMethod("POST");
            plans.post(ex);
        } else if (s.size() == 3 && resource.equals("events")) {
            ex.requireMethod("GET");
            events.stream(ex);
        } else if (s.size() == 5 && resource.equals("units") && s.get(4).equals("status")) {
            ex.requireMethod("GET");
            inspection.status(ex, s.get(3));
        } else if (s.size() == 5 && resource.equals("units") && s.get(4).equals("journal")) {
            ex.requireMethod("GET");
            inspection.journal(ex, s.get(3));
        } else if (s.size() == 3 && resource.equals("rollouts")) {
            ex.requireMethod("GET,POST");
            if (ex.method.equals("POST")) {
                rollouts.start(ex);
            } else {
                rollouts.list(ex);
            }
        } else if (s.size() == 4 && resource.equals("rollouts")) {
            ex.requireMethod("GET");
            rollouts.get(ex, s.get(3));
        } else if (s.size() == 5 && resource.equals("rollouts")) {
            ex.requireMethod("POST");
            rollouts.request(ex, s.get(3), s.get(4));
        } else if (s.size() == 3 && resource.equals("units")) {
            ex.requireMethod("GET,POST");
            if (ex.method.equals("POST")) {
                unitBatch.post(ex);
            } else {
                flotillaUnits.list(ex);
            }
        } else if (s.size() == 4 && resource.equals("units")) {
            ex.requireMethod("GET,PUT,DELETE");
            switch (ex.method) {
                case "GET" -> flotillaUnits.get(ex, s.get(3));
                case "PUT" -> flotillaUnits.put(ex, s.get(3));
                default -> flotillaUnits.delete(ex, s.get(3));
            }
        } else {
            throw noSuchResource(ex);
        }
    }

    /** Flotilla's machines: fleet's fields with capacity and allocation (three reads at once). */
    private dev.flotilla.api.MachineDetails machineDetails() {
        var machines = reads.start(() -> registry.machines().value());
        var units = reads.start(() -> registry.units().value());
        var assignments = reads.start(() -> registry.assignments().value());
        return new dev.flotilla.api.MachineDetails(MachineAllocations.of(Reads.get(machines), Reads.get(units),
                Reads.get(assignments)));
    }

    private static HttpFailure noSuchResource(Exchange ex) {
        return HttpFailure.notFound("no such resource: " + ex.request.getHttpURI().getPath());
    }
}
