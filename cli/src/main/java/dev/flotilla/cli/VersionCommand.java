package dev.flotilla.cli;

import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version and exit.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("flotctl version " + Version.get());
    }
}
