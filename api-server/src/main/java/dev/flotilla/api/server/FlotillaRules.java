package dev.flotilla.api.server;

import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

/**
 * Flotilla's answers: units are compared by their exact text, a differing text replaces the
 * stored one only when asked, and a replace that lost a race is refused rather than retried
 * (the caller decided on the text it saw).
 */
record FlotillaRules(boolean replace) implements UnitWrite.Rules {
    @Override
    public HttpFailure absentWithoutText(UnitName name) {
        return HttpFailure.notFound("unit " + name + " does not exist; send its text to create it");
    }

    @Override
    public boolean differs(UnitRecord current, UnitFile file) {
        return !file.text().equals(current.text());
    }

    @Override
    public HttpFailure refuseReplace(UnitName name, UnitRecord current, UnitFile file) {
        return replace ? null : HttpFailure.conflict("unit " + name + " differs from the one in the cluster (hash "
                + shortHash(file.hash()) + " given, " + shortHash(current.hash()) + " in the cluster); ask to replace it");
    }

    @Override
    public HttpFailure lostReplace(UnitName name) {
        return HttpFailure.conflict("unit " + name + " changed while it was being replaced; read it and try again");
    }

    @Override
    public HttpFailure nothingAsked(UnitName name) {
        return null;
    }

    private static String shortHash(String hash) {
        return hash.length() > 7 ? hash.substring(0, 7) : hash;
    }
}
