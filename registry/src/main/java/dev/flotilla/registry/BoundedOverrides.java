package dev.flotilla.registry;

import dev.flotilla.model.MetadataOverride;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The stored metadata overrides of one machine as it may use them ({@link MetadataOverride#usable}):
 * what an older version stored out of bounds is skipped with a short log line, never whole, so
 * the machine's registration never grows past what etcd takes.
 */
final class BoundedOverrides implements Consumer<WatchEvent<String>> {
    private static final Logger log = LoggerFactory.getLogger(BoundedOverrides.class);

    private final String machineId;
    private final Consumer<WatchEvent<String>> listener;
    /** The keys passed on; touched only on the watch's one thread. */
    private final Set<String> keys = new HashSet<>();

    BoundedOverrides(String machineId, Consumer<WatchEvent<String>> listener) {
        this.machineId = machineId;
        this.listener = listener;
    }

    static Map<String, String> usable(String machineId, Map<String, String> stored) {
        return MetadataOverride.usable(stored, why -> log.warn("machine {}: skipping a stored metadata override: {}",
                MetadataOverride.shortened(machineId), why));
    }

    @Override
    public void accept(WatchEvent<String> event) {
        if (event instanceof WatchEvent.Snapshot<String> s) {
            Map<String, String> usable = usable(machineId, s.items());
            keys.clear();
            keys.addAll(usable.keySet());
            listener.accept(new WatchEvent.Snapshot<>(usable, s.revision()));
        } else if (event instanceof WatchEvent.Updated<String> u) {
            Map<String, String> one = usable(machineId, Map.of(u.key(), u.value()));
            if (one.isEmpty() || !keys.contains(u.key()) && keys.size() >= MetadataOverride.MAX_KEYS_PER_MACHINE) {
                if (!one.isEmpty()) {
                    log.warn("machine {}: skipping metadata override {} beyond the limit of {} keys",
                            MetadataOverride.shortened(machineId), u.key(), MetadataOverride.MAX_KEYS_PER_MACHINE);
                }
                return;
            }
            keys.add(u.key());
            listener.accept(u);
        } else if (event instanceof WatchEvent.Removed<String> r) {
            if (keys.remove(r.key())) {
                listener.accept(r);
            }
        }
    }
}
