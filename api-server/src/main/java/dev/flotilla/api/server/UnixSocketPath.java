package dev.flotilla.api.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Whether a path may be taken for the API's unix socket: it is absent, or it is a socket (the one
 * a previous daemon left, which binding must replace). Anything else is someone's file, folder or
 * link: a mistyped {@code api_socket} must never delete it.
 */
public final class UnixSocketPath {
    /** The file type bits of {@code st_mode}, and the value for a socket ({@code S_IFSOCK}). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixSocketPath() {
    }

    /** Why the path cannot be the API's socket, or empty when it can. Never follows a link. */
    public static Optional<String> problem(Path socket) {
        BasicFileAttributes attributes;
        int mode;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of(socket + " cannot be examined (" + e.getMessage() + "), so it is not taken for the API socket");
        }
        if ((mode & S_IFMT) == S_IFSOCK) {
            return Optional.empty();
        }
        return Optional.of(socket + " exists and is " + kind(attributes) + ", not a socket; it is left alone:"
                + " remove it or choose another api_socket");
    }

    private static String kind(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a folder";
        }
        if (a.isRegularFile()) {
            return "a regular file";
        }
        return "a device or FIFO";
    }
}
