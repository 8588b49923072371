package dev.flotilla.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The load average, printed beside every timing a test reports. */
final class Load {
    private Load() {
    }

    static String average() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
