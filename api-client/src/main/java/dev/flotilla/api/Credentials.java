package dev.flotilla.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a client proves itself to a flotd over TCP: the CA that signed the daemon's certificate
 * (else the JDK's trust store), a client certificate and key (PEM, PKCS#8), and/or a file holding
 * a bearer token. The unix socket needs none of it.
 */
public record Credentials(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                          Optional<Path> tokenFile) {
    public Credentials {
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate "
                    + "(give both --cert-file and --key-file)");
        }
    }

    public static Credentials none() {
        return new Credentials(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The token in the token file: its first line that is neither blank nor a comment, first word
     * (so a line of the daemon's tokens file, {@code <token> <ro|rw> [name]}, works too).
     */
    public Optional<String> token() {
        if (tokenFile.isEmpty()) {
            return Optional.empty();
        }
        Path file = tokenFile.get();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    return Optional.of(s.split("\\s+", 2)[0]);
                }
            }
        } catch (IOException e) {
            throw new ApiException("cannot read the token file " + file + ": " + e.getMessage(), e);
        }
        throw new ApiException(0, "the token file " + file + " holds no token");
    }
}
