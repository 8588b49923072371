package dev.flotilla.flotctl;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.Credentials;
import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.Locale;

/** Entry point of the command-line client. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "flotctl", mixinStandardHelpOptions = true, versionProvider = FlotctlMain.VersionProvider.class,
        description = "Manage units on a Flotilla cluster (fleetctl's commands and habits).",
        subcommands = {SubmitCommand.class, LoadCommand.class, StartCommand.class, StopCommand.class, UnloadCommand.class,
                DestroyCommand.class, RestartCommand.class, ListUnitsCommand.class, ListUnitFilesCommand.class,
                CatCommand.class, StatusCommand.class, JournalCommand.class, ListMachinesCommand.class, PlanCommand.class, EventsCommand.class, RolloutCommand.class, UiCommand.class, VerifyCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"",
                "Run 'flotctl help <command>' for a command's options.",
                "Every flag can come from the environment: FLOTCTL_<FLAG>, e.g. FLOTCTL_ENDPOINT.",
                "The unix socket is open to root and the 'flotilla' group.",
                "Exit codes: 0 ok, 1 failure, 2 usage error (plan: 3 when a unit would wait).",
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

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "CA certificate(s) (PEM) that signed flotd's TLS certificate (https:// endpoints; default: the JDK's trust store; env FLOTCTL_CA_FILE).")
    Path caFile;

    @Option(names = "--cert-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Client certificate (PEM) to present to flotd over TLS (env FLOTCTL_CERT_FILE).")
    Path certFile;

    @Option(names = "--key-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Key of --cert-file (PEM, PKCS#8) (env FLOTCTL_KEY_FILE).")
    Path keyFile;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File holding a bearer token for flotd's TCP API (env FLOTCTL_TOKEN_FILE).")
    Path tokenFile;

    /** Where FLOTCTL_* defaults come from (the process's environment; tests set their own). */
    java.util.Map<String, String> environment = System.getenv();

    /** Where relative unit file paths are read from (the process's directory; tests set their own). */
    Path workingDir = Path.of("");

    /** Whether stderr is a terminal, for the progress line of blocking commands. */
    Boolean terminal;

    Path workingDir() {
        return workingDir;
    }

    boolean terminal() {
        if (terminal == null) {
            terminal = System.console() != null;
        }
        return terminal;
    }

    FlotillaClient client() {
        return client(endpoint);
    }

    /** A client of another daemon (e.g. the one a unit runs on), with the same credentials and timeout. */
    FlotillaClient client(String url) {
        Endpoint parsed;
        try {
            parsed = Endpoint.parse(url);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--endpoint: " + e.getMessage());
        }
        if (requestTimeout <= 0) {
            throw new UsageError("--request-timeout must be positive");
        }
        return FlotillaClient.connect(parsed, Duration.ofMillis((long) (requestTimeout * 1000)), credentials());
    }

    Credentials credentials() {
        for (Path p : new Path[]{caFile, certFile, keyFile, tokenFile}) {
            if (p != null && !Files.isReadable(p)) {
                throw new UsageError("cannot read " + p);
            }
        }
        try {
            return new Credentials(Optional.ofNullable(caFile), Optional.ofNullable(certFile), Optional.ofNullable(keyFile),
                    Optional.ofNullable(tokenFile));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** A usage error found after parsing (exit code 2). */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        // Unit texts are UTF-8 and cat prints them byte for byte, whatever the locale says.
        cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }

    /** flotctl's command line, to run its commands inside another JVM (flotd's tests do). */
    public static CommandLine commandLine() {
        return commandLine(new FlotctlMain());
    }

    static CommandLine commandLine(FlotctlMain main) {
        CommandLine cl = new CommandLine(main);
        cl.setDefaultValueProvider(arg -> environmentDefault(main.environment, arg));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof UsageError) {
                err.println("flotctl: " + e.getMessage());
                return 2;
            }
            if (e instanceof CommandFailure f) {
                err.println("flotctl: " + f.getMessage());
                f.details().forEach(err::println);
                err.flush();
                return 1;
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
    static String environmentDefault(java.util.Map<String, String> environment, CommandLine.Model.ArgSpec arg) {
        if (arg instanceof CommandLine.Model.OptionSpec option) {
            String name = option.longestName().replaceFirst("^-+", "");
            String value = environment.get("FLOTCTL_" + name.replace('-', '_').toUpperCase(Locale.ROOT));
            if (value != null) {
                return value;
            }
        }
        return arg.defaultValue();
    }
}
