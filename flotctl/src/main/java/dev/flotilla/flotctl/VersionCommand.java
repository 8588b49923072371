package dev.flotilla.flotctl;

import dev.flotilla.api.Version;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version and exit.")
final class VersionCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println("flotctl version " + Version.get());
    }
}
