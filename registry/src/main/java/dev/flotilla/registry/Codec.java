package dev.flotilla.registry;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.UnitState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Resources;
import dev.flotilla.model.Rollout;
import dev.flotilla.model.RolloutSettings;
import dev.flotilla.model.RolloutUnit;

import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;
import io.etcd.jetcd.ByteSequence;

import java.util.Map;

/**
 * JSON values in etcd: readable with etcdctl, tolerant of fields added by newer versions (and
 * of fields older ones did not write: null, 0 or false). The names and their order are what
 * every version writes, older ones through Jackson: keep them.
 */
final class Codec {

    /**
     * Most bytes a stored unit value adds to its text: the header line {@code {"hash":..,"desired":..}}
     * of a SHA-1 hash and a desired state, and its line break.
     */
    static final int UNIT_HEADER_BYTES = 128;

    private Codec() {
    }

    /** What a machine's presence key holds: the public part plus the registration session. */
    record MachineRecord(String id, String publicIp, Map<String, String> metadata, String version,
                         String session, long leaseId, String apiUrl, long cpuMillis, long memoryBytes) {
        Machine machine() {
            return new Machine(id, publicIp, metadata, version, apiUrl, new Resources(cpuMillis, memoryBytes));
        }

        static MachineRecord of(Machine m, String session, long leaseId) {
            return new MachineRecord(m.id(), m.publicIp(), m.metadata(), m.version(), session, leaseId, m.apiUrl(),
                    m.capacity().cpuMillis(), m.capacity().memoryBytes());
        }
    }

    /**
     * What units/<name> held before the text was stored as it is: one JSON object, the text
     * JSON-escaped (a text of quotes doubled in size). Still read.
     */
    record UnitValue(String text, String hash, String desired) {
        UnitRecord record(String name) {
            return new UnitRecord(name, text, hash, DesiredState.parse(desired));
        }
    }

    /** The first line of what units/<name> holds; the unit's exact text follows it. */
    record UnitHeader(String hash, String desired) {
    }

    /**
     * A unit as units/<name> (and globals/<name>) hold it: a JSON header line, then the text as
     * it is, so the stored size is the text's plus at most {@link #UNIT_HEADER_BYTES} (an escaped
     * copy could be six times the text) and etcdctl shows the unit file readably.
     */
    static ByteSequence encodeUnit(UnitRecord u) {
        byte[] header = Json.write(new UnitHeader(u.hash(), u.desired().fleetName()));
        byte[] text = u.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = new byte[header.length + 1 + text.length];
        System.arraycopy(header, 0, value, 0, header.length);
        value[header.length] = '\n';
        System.arraycopy(text, 0, value, header.length + 1, text.length);
        return ByteSequence.from(value);
    }

    static UnitRecord decodeUnit(String name, ByteSequence stored) {
        byte[] value = stored.getBytes();
        int lineEnd = -1;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '\n') {
                lineEnd = i;
                break;
            }
        }
        if (lineEnd < 0) {
            // The older form: JSON never holds a raw line break, a header line always ends in one.
            return decode(stored, UnitValue.class).record(name);
        }
        UnitHeader header;
        try {
            header = Json.read(value, 0, lineEnd, UnitHeader.class, Json.Unknown.IGNORE);
        } catch (JsonException e) {
            throw new RegistryException("unreadable unit header in etcd: " + e.getMessage(), e);
        }
        String text = new String(value, lineEnd + 1, value.length - lineEnd - 1, java.nio.charset.StandardCharsets.UTF_8);
        return new UnitRecord(name, text, header.hash(), DesiredState.parse(header.desired()));
    }

    /** What assign/<machine>/<unit> holds. */
    record AssignmentValue(String hash, String desired) {
        static AssignmentValue of(Assignment a) {
            return new AssignmentValue(a.hash(), a.desired().fleetName());
        }

        Assignment assignment(String machineId, String unit) {
            return new Assignment(machineId, unit, hash, DesiredState.parse(desired));
        }
    }

    /** What states/<machine>/<unit> holds. */
    record StateValue(String hash, String load, String active, String sub, long answers, int restarts,
                      long since) {
        static StateValue of(UnitState s) {
            return new StateValue(s.hash(), s.loadState(), s.activeState(), s.subState(), s.answers(), s.restarts(),
                    s.sinceMicros());
        }

        UnitState state(String machineId, String unit) {
            return new UnitState(machineId, unit, hash, load, active, sub, answers, restarts, since);
        }
    }

    /** What failures/<unit> holds. */
    record FailureValue(String hash, int attempts, java.util.List<String> failedOn, String lastFailure,
                        long lastFailureMillis, long notBeforeMillis) {
        static FailureValue of(dev.flotilla.model.UnitFailure f) {
            return new FailureValue(f.hash(), f.attempts(), f.failedOn(), f.lastFailure(), f.lastFailureMillis(),
                    f.notBeforeMillis());
        }

        dev.flotilla.model.UnitFailure failure(String unit) {
            return new dev.flotilla.model.UnitFailure(unit, hash, attempts,
                    failedOn == null ? java.util.List.of() : failedOn, lastFailure == null ? "" : lastFailure,
                    lastFailureMillis, notBeforeMillis);
        }
    }

    /** What rollouts/<id> holds (durations in milliseconds, enums by name). */
    record RolloutValue(String id, java.util.List<RolloutUnitValue> units, Map<String, String> texts, int maxParallel,
                        long minHealthyMillis, long healthyDeadlineMillis, boolean autoRevert, String phase,
                        String request, String reason, long createdMillis, long updatedMillis) {
        static RolloutValue of(Rollout r) {
            RolloutSettings s = r.settings();
            return new RolloutValue(r.id(), r.units().stream().map(RolloutUnitValue::of).toList(), r.texts(),
                    s.maxParallel(), s.minHealthy().toMillis(), s.healthyDeadline().toMillis(), s.autoRevert(),
                    r.phase().name(), r.request().name(), r.reason(), r.createdMillis(), r.updatedMillis());
        }

        Rollout rollout() {
            return new Rollout(id, units.stream().map(RolloutUnitValue::unit).toList(), texts,
                    new RolloutSettings(maxParallel, java.time.Duration.ofMillis(minHealthyMillis),
                            java.time.Duration.ofMillis(healthyDeadlineMillis), autoRevert),
                    Rollout.Phase.valueOf(phase), Rollout.Request.valueOf(request), reason, createdMillis, updatedMillis);
        }
    }

    /** machine: null in records written before global rollouts (a unit step). */
    record RolloutUnitValue(String name, String oldHash, String newHash, String step, long changedMillis, String detail,
                            String machine) {
        static RolloutUnitValue of(RolloutUnit u) {
            return new RolloutUnitValue(u.name(), u.oldHash(), u.newHash(), u.step().name(), u.changedMillis(), u.detail(),
                    u.machine().isEmpty() ? null : u.machine());
        }

        RolloutUnit unit() {
            return new RolloutUnit(name, oldHash, newHash, RolloutUnit.Step.valueOf(step), changedMillis, detail,
                    machine == null ? "" : machine);
        }
    }

    static ByteSequence encode(Object value) {
        try {
            return ByteSequence.from(Json.write(value));
        } catch (JsonException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(ByteSequence bytes, Class<T> type) {
        try {
            return Json.read(bytes.getBytes(), type, Json.Unknown.IGNORE);
        } catch (JsonException e) {
            throw new RegistryException("unreadable " + type.getSimpleName() + " in etcd: " + e.getMessage(), e);
        }
    }
}
