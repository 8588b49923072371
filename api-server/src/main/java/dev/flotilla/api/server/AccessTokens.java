package dev.flotilla.api.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens the API accepts over TCP, from a file of lines {@code <token> <ro|rw> [name]}
 * ({@code #} comments and blank lines skipped). The file must not be readable by group or others.
 */
public final class AccessTokens {
    /** Shorter tokens are guessable; {@code openssl rand -hex 32} makes a good one. */
    static final int MIN_TOKEN_LENGTH = 16;

    /** One token: who it is (for the log) and whether it may write. */
    public record Token(String name, boolean readWrite) {
    }

    private record Entry(byte[] secret, Token token) {
    }

    private final List<Entry> entries;

    private AccessTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static AccessTokens none() {
        return new AccessTokens(List.of());
    }

    /** Reads and checks the file; every problem is an IllegalArgumentException naming file and line. */
    public static AccessTokens load(Path file) {
        Set<PosixFilePermission> perms;
        List<String> lines;
        try {
            perms = Files.getPosixFilePermissions(file);
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the tokens file " + file + ": " + e, e);
        }
        for (PosixFilePermission p : perms) {
            if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
                throw new IllegalArgumentException("the tokens file " + file + " must be readable by its owner only "
                        + "(chmod 600 " + file + "), it has " + java.nio.file.attribute.PosixFilePermissions.toString(perms));
            }
        }
        return parse(file.toString(), lines);
    }

    static AccessTokens parse(String fileName, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + ":" + (i + 1) + ": ";
            String[] f = line.split("\\s+", 3);
            if (f.length < 2) {
                throw new IllegalArgumentException(where + "expected <token> <ro|rw> [name]");
            }
            if (f[0].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(where + "a token needs at least " + MIN_TOKEN_LENGTH
                        + " characters (openssl rand -hex 32 makes one)");
            }
            boolean rw;
            if (f[1].equals("rw")) {
                rw = true;
            } else if (f[1].equals("ro")) {
                rw = false;
            } else {
                throw new IllegalArgumentException(where + "access must be ro or rw, not '" + f[1] + "'");
            }
            byte[] secret = f[0].getBytes(StandardCharsets.UTF_8);
            for (Entry e : entries) {
                if (MessageDigest.isEqual(e.secret, secret)) {
                    throw new IllegalArgumentException(where + "the same token as '" + e.token.name() + "'");
                }
            }
            String name = f.length == 3 ? f[2].strip() : "line " + (i + 1);
            entries.add(new Entry(secret, new Token(name, rw)));
        }
        return new AccessTokens(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The token presented, compared in constant time against every entry. */
    Optional<Token> find(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        Token found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.secret, p)) {
                found = e.token;
            }
        }
        return Optional.ofNullable(found);
    }
}
