package dev.flotilla.flotd;

/**
 * Configures slf4j-simple before the first logger exists. Under systemd (JOURNAL_STREAM set)
 * journald adds timestamps itself, so ours are left out, and each line carries its priority.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String level) {
        set("org.slf4j.simpleLogger.logFile", "System.err");
        set("org.slf4j.simpleLogger.defaultLogLevel", level);
        boolean journal = System.getenv("JOURNAL_STREAM") != null;
        if (journal && !(System.err instanceof JournalPriorityStream)) {
            System.setErr(new JournalPriorityStream(System.err));
        }
        set("org.slf4j.simpleLogger.showDateTime", Boolean.toString(!journal));
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.levelInBrackets", "true");
        // Libraries under jetcd are chatty at info and below.
        for (String noisy : new String[]{"io.grpc", "io.netty", "io.vertx", "io.etcd", "org.eclipse.jetty",
                "org.freedesktop.dbus"}) {
            set("org.slf4j.simpleLogger.log." + noisy, "warn");
        }
        java.util.logging.LogManager.getLogManager().reset();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
