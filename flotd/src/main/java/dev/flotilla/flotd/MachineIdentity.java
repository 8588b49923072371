package dev.flotilla.flotd;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.UUID;
import java.util.regex.Pattern;

/** Who this machine is: its id, its address, and the daemon's registration session. */
final class MachineIdentity {
    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");

    private MachineIdentity() {
    }

    static String readMachineId(Path file) throws ConfigException {
        String id;
        try {
            id = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read the machine id from " + file + ": " + e.getMessage());
        }
        if (!MACHINE_ID.matcher(id).matches()) {
            throw new ConfigException(file + ": not a machine id (32 lowercase hex characters): '" + id + "'");
        }
        return id;
    }

    /**
     * A token that survives daemon restarts (kept in the state directory) so a restarted daemon
     * can prove a living registration is its own.
     */
    static String session(Path stateDir) throws ConfigException {
        Path file = stateDir.resolve("session");
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) {
                String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            }
            String s = UUID.randomUUID().toString();
            Path tmp = stateDir.resolve("session.tmp");
            Files.writeString(tmp, s + "\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return s;
        } catch (IOException e) {
            throw new ConfigException("cannot keep the session in " + stateDir + ": " + e.getMessage());
        }
    }

    /** The first non-loopback IPv4 address, or 127.0.0.1 on a machine without one. */
    static String guessPublicIp() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }
}
