package dev.flotilla.registry;

import io.etcd.jetcd.ByteSequence;

import java.nio.charset.StandardCharsets;

/** The etcd key layout. Nothing outside this package knows it. */
final class Keys {
    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    ByteSequence machinesPrefix() {
        return bytes(prefix + "machines/");
    }

    ByteSequence machine(String machineId) {
        return bytes(prefix + "machines/" + machineId);
    }

    String metadataPrefix(String machineId) {
        return prefix + "metadata/" + machineId + "/";
    }

    ByteSequence metadata(String machineId, String key) {
        return bytes(metadataPrefix(machineId) + key);
    }

    String prefix() {
        return prefix;
    }

    String unitsPrefix() {
        return prefix + "units/";
    }

    ByteSequence unit(String name) {
        return bytes(unitsPrefix() + name);
    }

    String assignPrefix() {
        return prefix + "assign/";
    }

    String assignPrefix(String machineId) {
        return assignPrefix() + machineId + "/";
    }

    ByteSequence assignment(String machineId, String unit) {
        return bytes(assignPrefix(machineId) + unit);
    }

    String globalsPrefix() {
        return prefix + "globals/";
    }

    ByteSequence global(String name) {
        return bytes(globalsPrefix() + name);
    }

    String waitingPrefix() {
        return prefix + "waiting/";
    }

    ByteSequence waiting(String unit) {
        return bytes(waitingPrefix() + unit);
    }

    String statesPrefix() {
        return prefix + "states/";
    }

    ByteSequence state(String machineId, String unit) {
        return bytes(statesPrefix() + machineId + "/" + unit);
    }

    /** failures/<unit>: the engine's record of a RescheduleOnFailure= unit that failed. */
    String failuresPrefix() {
        return prefix + "failures/";
    }

    ByteSequence failure(String unit) {
        return bytes(failuresPrefix() + unit);
    }

    ByteSequence engineLeader() {
        return bytes(prefix + "engine/leader");
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String string(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
