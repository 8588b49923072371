package dev.flotilla.flotd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on SIGHUP ({@code systemctl reload flotd}), instead of the JVM's default of
 * shutting down.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported): Java has no supported API for
 * handling a signal, and this one is exported, kept for exactly this use and needs no native
 * code. The action runs on the JVM's signal-dispatch thread, so it is handed to its own thread.
 */
final class HangupSignal {
    private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {
    }

    static void onHangup(Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
            Thread t = new Thread(() -> {
                log.info("SIGHUP: reloading");
                action.run();
            }, "flotd-reload");
            t.setDaemon(true);
            t.start();
        });
    }
}
