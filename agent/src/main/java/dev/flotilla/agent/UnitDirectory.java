package dev.flotilla.agent;

import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The agent's own unit folder: one file per unit, the file name being the unit name. A name is
 * validated ({@link UnitName}: no {@code /}, no {@code ..}, no leading dot) and the resolved path must
 * lie directly in the folder, so no unit text is ever written anywhere else. Files are written
 * atomically (a temporary file, then a rename), so systemd never reads half a file.
 */
final class UnitDirectory {
    private static final Logger log = LoggerFactory.getLogger(UnitDirectory.class);
    /**
     * Temporary files start with a dot, which no unit name may. They are named by the SHA-1 of the
     * unit name, not the name itself: the longest unit name is already the longest file name.
     */
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;

    UnitDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    /** Creates the folder (mode 0755) if needed; refuses anything that is not a plain folder. */
    void create() throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("unit folder " + dir + " is a symbolic link; it must be a plain folder the agent owns");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("unit folder " + dir + " exists but is not a folder");
        }
    }

    /** The file of a unit. Throws if the name is not a valid unit name or would leave the folder. */
    Path path(String unitName) {
        try {
            UnitName.parse(unitName);
        } catch (UnitFileException e) {
            throw new IllegalArgumentException("refusing unit file name '" + unitName + "': " + e.getMessage(), e);
        }
        Path p = dir.resolve(unitName).normalize();
        if (!p.startsWith(dir) || !dir.equals(p.getParent())) {
            throw new IllegalArgumentException("refusing unit file name '" + unitName + "': it resolves outside " + dir);
        }
        return p;
    }

    /**
     * What a previous run left: unit name to the hash of its file. Leftover temporary files are
     * deleted; anything else that is not a unit file is logged and left alone.
     */
    Map<String, String> scan() throws IOException {
        Map<String, String> found = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    Files.deleteIfExists(entry);
                    continue;
                }
                if (!UnitName.isValid(name) || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    log.warn("ignoring {} in the unit folder: not a unit file the agent wrote", entry);
                    continue;
                }
                found.put(name, UnitFile.hashOf(Files.readAllBytes(entry)));
            }
        }
        return found;
    }

    /** Writes the unit file atomically (mode 0644). */
    void write(String unitName, String text) throws IOException {
        Path target = path(unitName);
        Path temp = dir.resolve(TEMP_PREFIX + UnitFile.hashOf(unitName));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void remove(String unitName) throws IOException {
        Files.deleteIfExists(path(unitName));
    }
}
