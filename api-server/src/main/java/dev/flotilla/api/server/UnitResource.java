package dev.flotilla.api.server;

import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitName;

import java.util.function.BiFunction;

/** GET and DELETE of one unit, the same in both APIs but for the unit's shape. */
final class UnitResource {
    private UnitResource() {
    }

    /** Answers 200 with the unit in the given shape, or 404; its assignment from the mirror when it can answer. */
    static void get(Exchange ex, Registry registry, Reads reads, Mirror<dev.flotilla.model.Assignment> assignments,
                    String rawName, BiFunction<UnitRecord, ClusterView, Object> shape) {
        UnitName name = UnitInput.name(rawName);
        ClusterView.Pending viewRead = ClusterView.read(registry, reads, assignments, java.util.Set.of(name.value()));
        UnitRecord unit = registry.unit(name.value())
                .orElseThrow(() -> HttpFailure.notFound("unit " + name + " does not exist")).value();
        ex.json(200, shape.apply(unit, viewRead.get()));
    }

    /** Answers 204, or 404 when there was no such unit. */
    static void delete(Exchange ex, Registry registry, String rawName) {
        UnitName name = UnitInput.name(rawName);
        if (!registry.deleteUnit(name.value())) {
            throw HttpFailure.notFound("unit " + name + " does not exist");
        }
        ex.noContent(204);
    }
}
