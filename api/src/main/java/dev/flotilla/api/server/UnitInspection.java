package dev.flotilla.api.server;

import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.UnitState;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET /flotilla/v1/units/{name}/status} and {@code .../journal?lines=N&follow=true}: the
 * output of {@code systemctl status} / {@code journalctl -u} for a unit that runs on this
 * machine (its agent reports a state for it). A unit of the cluster that runs elsewhere is 421
 * naming the machine and its daemon's API URL: the client asks that daemon (with its own
 * credentials, so the access rules of every daemon hold). Units that are not in the cluster are
 * 404: this is no window onto the machine's other services.
 */
final class UnitInspection implements AutoCloseable {
    static final int MAX_FOLLOWERS = 8;
    static final int MAX_LINES = 10_000;
    private static final int MAX_STATUS_BYTES = 1 << 20;

    private final Registry registry;
    private final Supplier<String> machineId;
    private final UnitCommands commands;
    private final AtomicInteger followers = new AtomicInteger();
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    private final ApiLimits limits;

    UnitInspection(Registry registry, Supplier<String> machineId, UnitCommands commands, ApiLimits limits) {
        this.limits = limits;
        this.registry = registry;
        this.machineId = machineId;
        this.commands = commands;
    }

    void status(Exchange ex, String name) {
        requireLocal(checkedName(name));
        Process p = start(commands.status(name));
        try (InputStream in = p.getInputStream()) {
            byte[] out = in.readNBytes(MAX_STATUS_BYTES);
            p.waitFor(10, TimeUnit.SECONDS);
            ex.response.getHeaders().put("X-Flotilla-Exit-Code", Integer.toString(p.isAlive() ? -1 : p.exitValue()));
            ex.text(200, "text/plain; charset=utf-8", new String(out, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HttpFailure(500, "cannot read the output of " + commands.status(name) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpFailure(503, "interrupted");
        } finally {
            stop(p);
        }
    }

    void journal(Exchange ex, String name) {
        checkedName(name);
        int lines = lines(ex.query("lines"));
        boolean follow = switch (ex.query("follow")) {
            case "", "false", "0" -> false;
            case "true", "1" -> true;
            default -> throw HttpFailure.badRequest("follow must be true or false, not '" + ex.query("follow") + "'");
        };
        requireLocal(name);
        if (follow && followers.incrementAndGet() > MAX_FOLLOWERS) {
            followers.decrementAndGet();
            throw new HttpFailure(503, "too many followed journals on this daemon (" + MAX_FOLLOWERS + ")");
        }
        Process p = start(commands.journal(name, lines, follow));
        try (InputStream in = p.getInputStream()) {
            ex.response.setStatus(200);
            ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            OutputStream out = Content.Sink.asOutputStream(ex.response);
            out.flush();
            byte[] buf = new byte[8192];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                out.flush(); // a followed journal is read line by line as it comes
            }
            out.close();
            ex.callback.succeeded();
        } catch (IOException e) {
            ex.callback.failed(e); // the client left (or the process was stopped with the API)
        } finally {
            stop(p);
            if (follow) {
                followers.decrementAndGet();
            }
        }
    }

    private static String checkedName(String name) {
        UnitInput.name(name);
        return name;
    }

    static int lines(String text) {
        if (text.isEmpty()) {
            return 10;
        }
        try {
            int n = Integer.parseInt(text);
            if (n < 0 || n > MAX_LINES) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest("lines must be a number from 0 to " + MAX_LINES + ", not '" + text + "'");
        }
    }

    /** The unit must be in the cluster and reported by this machine's agent. */
    private void requireLocal(String name) {
        if (registry.unit(name).isEmpty()) {
            throw HttpFailure.notFound("unit " + name + " not found in the cluster");
        }
        String me = machineId.get();
        if (registry.unitStates(me).value().stream().anyMatch(s -> s.unit().equals(name))) {
            return;
        }
        UnitState elsewhere = registry.unitStates().value().stream().filter(s -> s.unit().equals(name)).findFirst()
                .orElseThrow(() -> HttpFailure.notFound("unit " + name + " is not running on any machine"));
        String url = registry.machines().value().stream().filter(m -> m.id().equals(elsewhere.machineId()))
                .map(Machine::apiUrl).findFirst().orElse("");
        throw HttpFailure.misdirected("unit " + name + " runs on machine " + elsewhere.machineId() + "; ask its daemon"
                + (url.isEmpty() ? " (it has no TCP API: api_listen)" : " at " + url), url);
    }

    private Process start(java.util.List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            running.add(p);
            return p;
        } catch (IOException e) {
            throw new HttpFailure(500, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
    }

    private void stop(Process p) {
        running.remove(p);
        if (p.isAlive()) {
            p.destroy();
        }
    }

    int followers() {
        return followers.get();
    }

    /** Ends the followed journals with the API. */
    @Override
    public void close() {
        running.forEach(Process::destroy);
    }
}
