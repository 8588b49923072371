package dev.flotilla.cli;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/** Entry point of the command-line client. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "flotctl", mixinStandardHelpOptions = true, versionProvider = FlotctlMain.VersionProvider.class,
        description = "Manage units on a Flotilla cluster (fleetctl's commands and habits).",
        subcommands = {ListMachinesCommand.class, VerifyCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
        footer = {"",
                "Run 'flotctl help <command>' for a command's options.",
                "Every flag can come from the environment: FLOTCTL_<FLAG>, e.g. FLOTCTL_ENDPOINT.",
                "The unix socket is open to root and the 'flotilla' group.",
                "Exit codes: 0 ok, 1 failure, 2 usage error.",
                "Documentation: /opt/flotilla/share/doc/flotctl.md"},
        exitCodeOnInvalidInput = 2, exitCodeOnExecutionException = 1)
public final class FlotctlMain {

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"flotctl " + Version.get()};
        }
    }

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = Endpoint.DEFAULT,
            description = "flotd API: unix:///path or http(s)://host:port (default: ${DEFAULT-VALUE}; env FLOTCTL_ENDPOINT).")
    String endpoint;

    @Option(names = "--request-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "10",
            description = "Time to wait for each API answer (default: ${DEFAULT-VALUE}; env FLOTCTL_REQUEST_TIMEOUT).")
    double requestTimeout;

    FlotillaClient client() {
        Endpoint parsed;
        try {
            parsed = Endpoint.parse(endpoint);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--endpoint: " + e.getMessage());
        }
        if (requestTimeout <= 0) {
            throw new UsageError("--request-timeout must be positive");
        }
        return FlotillaClient.connect(parsed, Duration.ofMillis((long) (requestTimeout * 1000)));
    }

    /** A usage error found after parsing (exit code 2). */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FlotctlMain());
        cl.setDefaultValueProvider(FlotctlMain::environmentDefault);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof UsageError) {
                err.println("flotctl: " + e.getMessage());
                return 2;
            }
            if (e instanceof ApiException) {
                err.println("flotctl: " + e.getMessage());
                return 1;
            }
            err.println("flotctl: " + e);
            return 1;
        });
        return cl;
    }

    /** fleetctl's habit: every flag can come from FLOTCTL_<FLAG>, e.g. FLOTCTL_ENDPOINT. */
    static String environmentDefault(CommandLine.Model.ArgSpec arg) {
        if (arg instanceof CommandLine.Model.OptionSpec option) {
            String name = option.longestName().replaceFirst("^-+", "");
            String value = System.getenv("FLOTCTL_" + name.replace('-', '_').toUpperCase(Locale.ROOT));
            if (value != null) {
                return value;
            }
        }
        return arg.defaultValue();
    }
}
