package dev.flotilla.flotctl;

import picocli.CommandLine.Option;

/** fleetctl's blocking flags of load, start, stop, unload, destroy and restart. */
final class BlockOptions {
    @Option(names = "--no-block", description = "Do not wait until the units reach the state.")
    boolean noBlock;

    @Option(names = "--block-attempts", paramLabel = "N", defaultValue = "0",
            description = "Give up after N attempts (one attempt is up to 2 s of polls, every 100 ms while answers are quick, else 250 ms); 0 waits forever (default).")
    int attempts;

    int attempts() {
        if (attempts < 0) {
            throw new FlotctlMain.UsageError("--block-attempts must be 0 (no limit) or more, not " + attempts);
        }
        return attempts;
    }
}
