package dev.flotilla.flotctl;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.ClusterEvent;
import dev.flotilla.api.EventStream;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Prints the cluster's events as JSON lines, one per etcd revision, reconnecting by itself. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Follow unit, state and machine changes: one JSON line per etcd revision (a snapshot first",
                "unless --since is given). Reconnects by itself, resuming after the last line printed;",
                "stop with Ctrl-C. Resume a later run with --since=<the last line's revision>."})
final class EventsCommand extends ClusterCommand {
    @Option(names = "--since", paramLabel = "REVISION", defaultValue = "0",
            description = "Start after this etcd revision (default 0: a snapshot of the current state first).")
    long since;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N lines (default 0: follow until interrupted).")
    int count;

    @Override
    int run(FlotillaClient client) {
        if (since < 0 || count < 0) {
            throw new FlotctlMain.UsageError("--since and --count must be >= 0");
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger printed = new AtomicInteger();
        AtomicReference<ApiException> fatal = new AtomicReference<>();
        try (EventStream stream = client.events(since, event -> {
            if (count > 0 && printed.get() >= count) {
                return;
            }
            print(event);
            if (count > 0 && printed.incrementAndGet() >= count) {
                done.countDown();
            }
        }, e -> {
            if (e.status() >= 400 && e.status() < 500) {
                fatal.set(e);
                done.countDown();
            } else {
                err().println("flotctl: " + e.getMessage() + "; reconnecting");
                err().flush();
            }
        })) {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
        return 0;
    }

    private void print(ClusterEvent event) {
        try {
            out().println(Json.writeString(event));
        } catch (JsonException e) {
            throw new CommandFailure("cannot print an event: " + e.getMessage());
        }
        out().flush();
    }
}
