package dev.flotilla.testvms;

/** What bring-up waits for on every machine before a test runs. */
public enum Readiness {
    /** systemd in the machine finished booting ({@code running} or {@code degraded}); flotd may still be starting or failing. */
    BOOT,
    /** as BOOT, and flotd answers {@code GET /health} with 200 on the machine's TCP endpoint. */
    FLOTD;

    String scriptValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
