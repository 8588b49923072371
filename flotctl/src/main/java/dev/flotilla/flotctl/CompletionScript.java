package dev.flotilla.flotctl;

import picocli.AutoComplete;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes flotctl's bash completion script (zsh: with bashcompinit), run by the packaging build.
 * Generated from the very command line flotctl runs, so every subcommand is in it.
 */
public final class CompletionScript {
    private CompletionScript() {
    }

    static String bash() {
        return AutoComplete.bash("flotctl", FlotctlMain.commandLine());
    }

    /** Usage: CompletionScript OUTPUT_FILE */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CompletionScript OUTPUT_FILE");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".flotctl", ".tmp");
        Files.writeString(tmp, bash(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
