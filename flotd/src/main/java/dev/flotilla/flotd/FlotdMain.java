package dev.flotilla.flotd;

import dev.flotilla.api.Version;
import dev.flotilla.api.server.UnixSocketPath;

import java.util.List;
import java.util.Optional;

/** Entry point of the daemon. */
public final class FlotdMain {
    private FlotdMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(FlotdArguments.parse(List.of(args))));
    }

    private static int run(FlotdArguments.Parsed parsed) throws InterruptedException {
        if (parsed instanceof FlotdArguments.Help) {
            System.out.print(FlotdArguments.usage());
            return 0;
        }
        if (parsed instanceof FlotdArguments.Version) {
            System.out.println("flotd " + Version.get());
            return 0;
        }
        if (parsed instanceof FlotdArguments.Invalid invalid) {
            System.err.println("flotd: " + invalid.message());
            System.err.println("Try 'flotd --help' for the options.");
            return 2;
        }
        FlotdArguments.Run run = (FlotdArguments.Run) parsed;
        ConfigSource source = () -> FlotdConfig.load(Optional.of(run.configFile()), run.explicitConfig(), run.overrides());
        FlotdConfig config;
        try {
            config = source.load();
        } catch (ConfigException e) {
            System.err.println("flotd: " + e.getMessage());
            return 2;
        }
        // Before anything starts: binding would delete whatever is at the path.
        Optional<String> socketProblem = config.apiSocket().flatMap(UnixSocketPath::problem);
        if (socketProblem.isPresent()) {
            System.err.println("flotd: api_socket: " + socketProblem.get());
            return 2;
        }
        Logging.configure(config.logLevel());
        Flotd daemon = new Flotd(config, source);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "flotd-shutdown"));
        HangupSignal.onHangup(daemon::reloadMetadata);
        try {
            daemon.start();
        } catch (ConfigException | RuntimeException e) {
            System.err.println("flotd: " + e.getMessage());
            daemon.close();
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }
}
