package dev.flotilla.flotctl;

/**
 * A unit a command acts on, and where its text comes from.
 *
 * @param name        the unit name (validated)
 * @param text        the text to submit, or null to use the unit already in the cluster as it is
 * @param source      where the text came from, for messages: a file path, or "template X in the cluster"
 * @param clusterHash the hash of the cluster's unit of that name, or null when the cluster has none
 */
record UnitTarget(String name, String text, String source, String clusterHash) {
    boolean fromCluster() {
        return text == null;
    }

    boolean inCluster() {
        return clusterHash != null;
    }
}
