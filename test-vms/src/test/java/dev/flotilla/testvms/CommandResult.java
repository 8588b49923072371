package dev.flotilla.testvms;

/**
 * The outcome of a command run by the cluster harness: a command inside a machine
 * ({@link Cluster#exec}, {@link Cluster#flotctl}) or the {@code test-vms/cluster} script itself.
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    /** True when the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result if the command exited with status 0, throws {@link ClusterException} otherwise. */
    public CommandResult requireOk(String what) {
        if (!ok()) {
            throw new ClusterException(what + " failed: " + this);
        }
        return this;
    }

    /** stdout without leading and trailing white space. */
    public String out() {
        return stdout.strip();
    }

    @Override
    public String toString() {
        return "exit " + exitCode
                + (stdout.isBlank() ? "" : "\n--- stdout\n" + stdout.stripTrailing())
                + (stderr.isBlank() ? "" : "\n--- stderr\n" + stderr.stripTrailing());
    }
}
