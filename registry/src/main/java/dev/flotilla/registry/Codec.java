package dev.flotilla.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;

import java.io.IOException;
import java.util.Map;

/** JSON values in etcd: readable with etcdctl, tolerant of fields added by newer versions. */
final class Codec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Codec() {
    }

    /** What a machine's presence key holds: the public part plus the registration session. */
    record MachineRecord(String id, String publicIp, Map<String, String> metadata, String version,
                         String session, long leaseId, String apiUrl) {
        Machine machine() {
            return new Machine(id, publicIp, metadata, version, apiUrl);
        }

        static MachineRecord of(Machine m, String session, long leaseId) {
            return new MachineRecord(m.id(), m.publicIp(), m.metadata(), m.version(), session, leaseId, m.apiUrl());
        }
    }

    /** What units/<name> holds. */
    record UnitValue(String text, String hash, String desired) {
        static UnitValue of(UnitRecord u) {
            return new UnitValue(u.text(), u.hash(), u.desired().fleetName());
        }

        UnitRecord record(String name) {
            return new UnitRecord(name, text, hash, DesiredState.parse(desired));
        }
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
    record StateValue(String hash, String load, String active, String sub) {
        static StateValue of(UnitState s) {
            return new StateValue(s.hash(), s.loadState(), s.activeState(), s.subState());
        }

        UnitState state(String machineId, String unit) {
            return new UnitState(machineId, unit, hash, load, active, sub);
        }
    }

    static ByteSequence encode(Object value) {
        try {
            return ByteSequence.from(JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(ByteSequence bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes.getBytes(), type);
        } catch (IOException e) {
            throw new RegistryException("unreadable " + type.getSimpleName() + " in etcd: " + e.getMessage(), e);
        }
    }
}
