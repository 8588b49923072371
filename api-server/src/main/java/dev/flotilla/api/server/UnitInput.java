package dev.flotilla.api.server;

import dev.flotilla.api.Unit;
import dev.flotilla.model.DesiredState;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;
import dev.flotilla.unitfile.UnitOption;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks of everything a client sends, done before anything is written. */
final class UnitInput {
    private UnitInput() {
    }

    static UnitName name(String raw) {
        try {
            return UnitName.parse(raw);
        } catch (UnitFileException e) {
            throw HttpFailure.badRequest("invalid unit name: " + e.getMessage());
        }
    }

    /** null or "" = not given. */
    static DesiredState desired(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return DesiredState.parse(raw);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest("invalid desiredState: " + e.getMessage());
        }
    }

    /**
     * A template is never started itself; its instances are what runs. It may be loaded: then its
     * file is installed on a machine without starting anything, which is what an Accept=yes socket
     * on that machine needs (systemd starts one instance per connection).
     */
    static void checkTemplate(UnitName name, DesiredState desired) {
        if (name.isTemplate() && desired == DesiredState.LAUNCHED) {
            throw HttpFailure.badRequest("cannot launch template " + name
                    + ": a template is never started itself; start an instance such as "
                    + name.instantiate("1") + ", or load the template for a socket that accepts connections");
        }
    }

    static UnitFile text(UnitName name, String text) {
        long bytes = utf8Length(text);
        if (bytes > UnitFile.MAX_BYTES) {
            throw tooLarge(name, bytes);
        }
        try {
            return UnitFile.parse(name, text);
        } catch (UnitFileException e) {
            throw invalid(name, e);
        }
    }

    static UnitFile options(UnitName name, List<Unit.Option> options) {
        List<UnitOption> converted = new ArrayList<>(options.size());
        // A lower bound of the text's size: refuse the obviously oversized with 413 at once.
        long bytes = 0;
        Set<String> sections = new HashSet<>();
        for (Unit.Option o : options) {
            if (o == null) {
                throw HttpFailure.badRequest("unit " + name + " is invalid: an option is null");
            }
            // fleet's JSON leaves out empty strings: fleetctl sends `ExecStartPre=` with no "value".
            converted.add(new UnitOption(o.section(), o.name(), o.value() == null ? "" : o.value()));
            bytes += utf8Length(o.name()) + utf8Length(o.value()) + 2;
            if (o.section() != null && sections.add(o.section())) {
                bytes += utf8Length(o.section()) + 3;
            }
        }
        if (bytes > UnitFile.MAX_BYTES) {
            throw tooLarge(name, bytes);
        }
        try {
            return UnitFile.fromOptions(name.value(), converted);
        } catch (UnitFileException e) {
            throw invalid(name, e);
        }
    }

    private static HttpFailure invalid(UnitName name, UnitFileException e) {
        return HttpFailure.badRequest("unit " + name + " is invalid: " + e.getMessage());
    }

    private static HttpFailure tooLarge(UnitName name, long bytes) {
        return new HttpFailure(413, "unit " + name + " has " + bytes + " bytes of text; the limit is "
                + UnitFile.MAX_BYTES + " bytes (" + (UnitFile.MAX_BYTES >> 10) + " KiB)");
    }

    static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
