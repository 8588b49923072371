package dev.flotilla.api.server;

import dev.flotilla.json.JsonValue;
import dev.flotilla.model.MetadataOverride;
import dev.flotilla.registry.Registry;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fleet's {@code PATCH /fleet/v1/machines}: a JSON array of {@code {"op": "add"|"replace"|"remove",
 * "path": "/<machine id>/metadata/<key>", "value": {"value": "..."}}}. Every operation is checked
 * before any is written; then all are written together and the answer is 204. As in fleet, the
 * machine need not be registered: its overrides wait for it.
 */
final class MachinePatch {
    /** fleet's path rule: any machine id without a slash, a key of letters, digits, '_', '.', '-'. */
    private static final Pattern PATH = Pattern.compile("^/([^/]+)/metadata/([A-Za-z0-9_.-]+)$");
    /** Most operations per request: a metadata patch is small; this bounds the transactions. */
    static final int MAX_OPS = 1000;

    private final Registry registry;

    MachinePatch(Registry registry) {
        this.registry = registry;
    }

    void patch(Exchange ex) {
        JsonValue body = ex.jsonBody(JsonValue.class, false);
        if (!body.isArray()) {
            throw HttpFailure.badRequest("expected a JSON array of operations");
        }
        if (body.size() > MAX_OPS) {
            throw new HttpFailure(413, body.size() + " operations in one request; the limit is " + MAX_OPS);
        }
        List<MetadataOverride> overrides = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            MetadataOverride o = check(body.get(i), "operation " + i);
            int index = i;
            o.problem().ifPresent(why -> {
                throw HttpFailure.badRequest("operation " + index + ": " + why);
            });
            overrides.add(o);
        }
        checkKeysPerMachine(overrides);
        registry.overrideMetadata(overrides);
        ex.noContent(204);
    }

    /** A machine's registration carries its overrides: their number is bounded too. */
    private void checkKeysPerMachine(List<MetadataOverride> overrides) {
        java.util.Map<String, java.util.Set<String>> keys = new java.util.TreeMap<>();
        for (MetadataOverride o : overrides) {
            keys.computeIfAbsent(o.machineId(), id -> new java.util.HashSet<>(registry.metadataOverrides(id).value().keySet()))
                    .add(o.key());
        }
        keys.forEach((id, all) -> {
            if (all.size() > MetadataOverride.MAX_KEYS_PER_MACHINE) {
                throw HttpFailure.badRequest("machine " + id + " would have " + all.size()
                        + " metadata overrides; the limit is " + MetadataOverride.MAX_KEYS_PER_MACHINE
                        + " keys per machine (a removed key stays stored as an empty value)");
            }
        });
    }

    private static MetadataOverride check(JsonValue op, String where) {
        if (!op.isObject()) {
            throw HttpFailure.badRequest(where + ": expected an object {op, path, value}");
        }
        String kind = op.path("op").asText("");
        if (!kind.equals("add") && !kind.equals("remove") && !kind.equals("replace")) {
            throw HttpFailure.badRequest(where + ": invalid op \"" + kind + "\": expect add, remove, or replace");
        }
        String path = op.path("path").asText("");
        Matcher m = PATH.matcher(path);
        if (!op.path("path").isTextual() || !m.matches()) {
            throw HttpFailure.badRequest(where + ": machine metadata path invalid: \""
                    + (path.length() > 100 ? path.substring(0, 100) + "..." : path) + "\" (expected /<machine id>/metadata/<key>, key of letters, digits, '_', '.', '-')");
        }
        if (kind.equals("remove")) {
            return new MetadataOverride(m.group(1), m.group(2), "");
        }
        // fleet's shape is {"value": {"value": "v"}}; a plain string is taken as well.
        JsonValue value = op.path("value");
        JsonValue inner = value.isObject() ? value.path("value") : value;
        if (!inner.isTextual() || inner.asText().isEmpty()) {
            throw HttpFailure.badRequest(where + ": invalid value: add and replace require a value");
        }
        return new MetadataOverride(m.group(1), m.group(2), inner.asText());
    }
}
