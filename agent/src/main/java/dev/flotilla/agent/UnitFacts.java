package dev.flotilla.agent;

import dev.flotilla.unitfile.FleetRequirements;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent needs to know of one unit text, read once per (name, hash).
 *
 * @param activates for a socket unit, the service systemd starts on a connection ({@code Service=}, else
 *                  {@code foo.service}, or the template {@code foo@.service} with {@code Accept=yes})
 * @param problem   why the text could not be read (then nothing else is meaningful)
 */
record UnitFacts(String name, String text, String hash, boolean template, boolean hasInstall,
                 FleetRequirements fleet, Optional<String> activates, Optional<String> problem) {

    UnitFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(activates, "activates");
        Objects.requireNonNull(problem, "problem");
    }

    static UnitFacts of(String name, String text, String hash) {
        UnitFile file;
        try {
            file = UnitFile.parse(name, text);
        } catch (UnitFileException e) {
            return new UnitFacts(name, text, hash, false, false, FleetRequirements.NONE, Optional.empty(),
                    Optional.of(e.getMessage()));
        }
        UnitName n = file.name();
        return new UnitFacts(name, text, hash, n.isTemplate(), file.hasInstallSection(), file.fleet(),
                activatedService(file), Optional.empty());
    }

    private static Optional<String> activatedService(UnitFile file) {
        UnitName n = file.name();
        if (!"socket".equals(n.suffix())) {
            return Optional.empty();
        }
        String service = last(file.values("Socket", "Service"));
        if (service != null && !service.isBlank()) {
            return Optional.of(service.strip());
        }
        if (isTrue(last(file.values("Socket", "Accept")))) {
            return Optional.of(n.prefix() + "@.service");
        }
        return Optional.of(n.nameWithoutSuffix() + ".service");
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("yes") || v.equals("true") || v.equals("1") || v.equals("on") || v.equals("y") || v.equals("t");
    }
}
