package dev.flotilla.api.server;

import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a listing needs from a unit's text (global or not, its description), parsed once per
 * name and hash: listing 10,000 units should not mean parsing 10,000 texts on every call.
 */
final class UnitFacts {
    /** Bounded: when full it is simply emptied, as entries are cheap to recompute. */
    private static final int MAX_ENTRIES = 100_000;

    record Facts(boolean global, String description) {
        static final Facts UNREADABLE = new Facts(false, "");
    }

    private final Map<String, Facts> cache = new ConcurrentHashMap<>();

    Facts of(UnitRecord unit) {
        // Specifiers may depend on the name, so the name is part of the key.
        String key = unit.name() + '\0' + unit.hash();
        Facts f = cache.get(key);
        if (f == null) {
            f = read(unit);
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(key, f);
        }
        return f;
    }

    private static Facts read(UnitRecord unit) {
        try {
            UnitFile file = UnitFile.parse(unit.name(), unit.text());
            List<String> descriptions = file.values("Unit", "Description");
            return new Facts(file.fleet().global(), descriptions.isEmpty() ? "" : descriptions.get(descriptions.size() - 1));
        } catch (UnitFileException e) {
            // Only units the API accepted are stored; a text a newer version accepted is shown plainly.
            return Facts.UNREADABLE;
        }
    }
}
