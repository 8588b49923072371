package dev.flotilla.systemd.dbus;

import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.Position;

/**
 * The two return values of {@code EnableUnitFiles} ({@code b a(sss)}). dbus-java maps multiple out
 * arguments to a Tuple, and needs the type parameters to unmarshal them.
 */
public final class EnableResult<A, B> extends Tuple {
    @Position(0)
    private final A carriesInstallInfo;
    @Position(1)
    private final B changes;

    public EnableResult(A carriesInstallInfo, B changes) {
        this.carriesInstallInfo = carriesInstallInfo;
        this.changes = changes;
    }

    public A carriesInstallInfo() {
        return carriesInstallInfo;
    }

    public B changes() {
        return changes;
    }
}
