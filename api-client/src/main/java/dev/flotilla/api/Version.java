package dev.flotilla.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build's version, stamped into a resource by Maven. Here because flotctl and flotd (one
 * build) both print it, and this is the lowest module both see.
 */
public final class Version {
    private Version() {
    }

    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
