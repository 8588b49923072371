package dev.flotilla.flotctl;

import dev.flotilla.api.ApiForwarder;
import dev.flotilla.api.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code flotctl ui}: the cluster page on 127.0.0.1, through this user's own access to the cluster. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Serve the cluster page on http://127.0.0.1:PORT/ui/ (this machine only), forwarding its",
                "requests to --endpoint with this user's credentials (unix socket, TLS, token), like",
                "'kubectl proxy'. Reads only: the page never changes the cluster. Stop with Ctrl-C."})
final class UiCommand implements Callable<Integer> {
    @ParentCommand
    FlotctlMain root;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port on 127.0.0.1 to listen on, 1-65535, or 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new FlotctlMain.UsageError("--port must be from 1 to 65535 (or 0 for any free port), not " + port);
        }
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(root.endpoint);
        } catch (IllegalArgumentException e) {
            throw new FlotctlMain.UsageError("--endpoint: " + e.getMessage());
        }
        if (root.requestTimeout <= 0) {
            throw new FlotctlMain.UsageError("--request-timeout must be positive");
        }
        ApiForwarder cluster = new ApiForwarder(endpoint, Duration.ofMillis((long) (root.requestTimeout * 1000)),
                root.credentials());
        UiProxy proxy;
        try {
            proxy = UiProxy.start(cluster, port);
        } catch (IOException e) {
            throw new CommandFailure("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            proxy.close();
            stopped.countDown();
        }, "flotctl-ui-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("The cluster page of " + endpoint + " is at " + proxy.pageUrl() + " (Ctrl-C to stop)");
        out.flush();
        stopped.await();
        return 0;
    }
}
