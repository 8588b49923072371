package dev.flotilla.api.server;

import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitState;
import dev.flotilla.systemd.UnitInspector;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET /flotilla/v1/units/{name}/status} and {@code .../journal?lines=N&follow=true}: the
 * output of {@code systemctl status} / {@code journalctl -u} for a unit that runs on this
 * machine (its agent reports a state for it). A unit of the cluster that runs elsewhere is 421
 * naming the machine and its daemon's API URL: the client asks that daemon (with its own
 * credentials, so the access rules of every daemon hold). Units that are not in the cluster are
 * 404: this is no window onto the machine's other services. Running the commands is the
 * {@link UnitInspector}'s part; the checks, the limits and the answer are this class's.
 */
final class UnitInspection implements AutoCloseable {
    static final int MAX_FOLLOWERS = 8;
    static final int MAX_LINES = 10_000;

    private final Registry registry;
    private final Supplier<String> machineId;
    private final UnitInspector inspector;
    private final AtomicInteger followers = new AtomicInteger();

    private final ApiLimits limits;

    UnitInspection(Registry registry, Supplier<String> machineId, UnitInspector inspector, ApiLimits limits) {
        this.limits = limits;
        this.registry = registry;
        this.machineId = machineId;
        this.inspector = inspector;
    }

    /** systemctl status, within {@code commandTimeout}: killed beyond it and answered 504. */
    void status(Exchange ex, String name) {
        requireLocal(checkedName(name));
        try {
            UnitInspector.Status status = inspector.status(name, limits.commandTimeout());
            if (status instanceof UnitInspector.Status.TimedOut t) {
                throw overTime(t.command());
            }
            UnitInspector.Status.Done done = (UnitInspector.Status.Done) status;
            ex.response.getHeaders().put("X-Flotilla-Exit-Code", Integer.toString(done.exitCode()));
            ex.text(200, "text/plain; charset=utf-8", done.text());
        } catch (IOException e) {
            throw new HttpFailure(500, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpFailure(503, "interrupted");
        }
    }

    /**
     * journalctl, streamed. Unfollowed, within {@code commandTimeout}: 504 if nothing was sent yet,
     * else the answer ends with a line saying it was cut short. Followed, as long as the client stays: a NUL byte is written
     * after every {@code followProbe} without output, so a vanished client is noticed by a failed
     * write within about two probes and its journalctl stopped (clients drop the NULs; journalctl
     * shows unprintable messages as blobs, so its own output has none).
     */
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
        try (UnitInspector.Output output = start(name, lines, follow)) {
            stream(ex, output, follow);
        } finally {
            if (follow) {
                followers.decrementAndGet();
            }
        }
    }

    private UnitInspector.Output start(String name, int lines, boolean follow) {
        try {
            return inspector.journal(name, lines, follow);
        } catch (IOException e) {
            throw new HttpFailure(500, e.getMessage());
        }
    }

    private void stream(Exchange ex, UnitInspector.Output output, boolean follow) {
        List<String> command = output.command();
        long deadline = System.nanoTime() + limits.commandTimeout().toNanos();
        long probe = limits.followProbe().toNanos();
        OutputStream out = null;
        try {
            while (true) {
                byte[] chunk = output.next(follow ? probe : deadline - System.nanoTime());
                if (chunk == null && !follow) {
                    if (out == null) {
                        throw overTime(command);
                    }
                    // Begun, so no status can say it; a client of a close-delimited answer could not
                    // tell an abort from the end either: the last line says it.
                    out.write(("\n-- flotilla: " + overTime(command).getMessage() + " --\n").getBytes(StandardCharsets.UTF_8));
                    out.close();
                    ex.callback.succeeded();
                    return;
                }
                if (out == null) {
                    ex.response.setStatus(200);
                    ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    out = Content.Sink.asOutputStream(ex.response);
                }
                if (chunk == UnitInspector.Output.END) {
                    out.close();
                    ex.callback.succeeded();
                    return;
                }
                if (chunk == null) {
                    out.write(0); // the probe: fails once the client has gone
                } else {
                    out.write(chunk);
                }
                out.flush(); // a followed journal is read line by line as it comes
            }
        } catch (IOException e) {
            ex.callback.failed(e); // the client left (or the process was stopped with the API)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.callback.failed(e);
        }
    }

    private HttpFailure overTime(List<String> command) {
        return new HttpFailure(504, String.join(" ", command) + " did not finish within "
                + limits.commandTimeout().toSeconds() + " s; it was stopped");
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

    /**
     * The unit must be in the cluster and reported by this machine's agent. Found by point reads
     * (issue 19): the unit's key, its state key on this machine, then its state key on each other
     * machine (the machine list is read anyway for the daemon's URL). No listing of every state: the
     * cost follows the machines, not the units (a full read of 100,000 states took seconds).
     */
    private void requireLocal(String name) {
        if (registry.unit(name).isEmpty()) {
            throw HttpFailure.notFound("unit " + name + " not found in the cluster");
        }
        String me = machineId.get();
        if (!registry.unitStateOn(name, List.of(me)).isEmpty()) {
            return;
        }
        List<Machine> machines = registry.machines().value();
        UnitState elsewhere = registry.unitStateOn(name, machines.stream().map(Machine::id).filter(id -> !id.equals(me)).toList())
                .stream().findFirst()
                .orElseThrow(() -> HttpFailure.notFound("unit " + name + " is not running on any machine"));
        String url = machines.stream().filter(m -> m.id().equals(elsewhere.machineId()))
                .map(Machine::apiUrl).findFirst().orElse("");
        throw HttpFailure.misdirected("unit " + name + " runs on machine " + elsewhere.machineId() + "; ask its daemon"
                + (url.isEmpty() ? " (it has no TCP API: api_listen)" : " at " + url), url);
    }

    int followers() {
        return followers.get();
    }

    /** Ends the followed journals with the API. */
    @Override
    public void close() {
        inspector.close();
    }
}
