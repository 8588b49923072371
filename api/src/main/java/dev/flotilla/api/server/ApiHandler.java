package dev.flotilla.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.api.ApiError;
import dev.flotilla.api.EngineStatus;
import dev.flotilla.api.Machine;
import dev.flotilla.api.MachinePage;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Routes API requests. Handlers may block on etcd: Jetty runs them on pool threads. */
final class ApiHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    private final Supplier<ApiServer.Health> health;

    ApiHandler(Registry registry, Supplier<ApiServer.Health> health) {
        this.registry = registry;
        this.health = health;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            switch (path) {
                case "/health" -> {
                    requireMethod(method, "GET");
                    ApiServer.Health h = health.get();
                    writeJson(response, callback, h.healthy() ? 200 : 503,
                            Map.of("healthy", h.healthy(), "machineID", h.machineId(), "detail", h.detail()));
                }
                case "/fleet/v1/machines" -> {
                    requireMethod(method, "GET");
                    List<Machine> machines = registry.machines().value().stream()
                            .map(m -> new Machine(m.id(), m.publicIp(), m.metadata())).toList();
                    writeJson(response, callback, 200, new MachinePage(machines, null));
                }
                case "/flotilla/v1/engine" -> {
                    requireMethod(method, "GET");
                    writeJson(response, callback, 200, new EngineStatus(registry.engineLeader().orElse("")));
                }
                default -> writeError(response, callback, 404, "no such resource: " + path);
            }
        } catch (MethodNotAllowed e) {
            writeError(response, callback, 405, e.getMessage());
        } catch (RegistryException e) {
            writeError(response, callback, 503, "cluster state unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, path, e);
            writeError(response, callback, 500, "internal error: " + e);
        }
        return true;
    }

    private static final class MethodNotAllowed extends RuntimeException {
        MethodNotAllowed(String message) {
            super(message);
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!allowed.equals(method)) {
            throw new MethodNotAllowed("method " + method + " not allowed; use " + allowed);
        }
    }

    static void writeError(Response response, Callback callback, int status, String message) {
        writeJson(response, callback, status, ApiError.of(status, message));
    }

    static void writeJson(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            status = 500;
            bytes = "{\"error\":{\"code\":500,\"message\":\"cannot encode the answer\"}}".getBytes();
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
