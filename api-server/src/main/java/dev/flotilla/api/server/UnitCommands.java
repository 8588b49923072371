package dev.flotilla.api.server;

import java.util.List;

/**
 * Other commands in place of {@code systemctl status} and {@code journalctl -u} (tests run a shell
 * command instead); systemd's own are {@link dev.flotilla.systemd.UnitInspector#systemd()}.
 * Arguments, never a shell; the unit name was checked before.
 */
public interface UnitCommands {
    List<String> status(String unit);

    List<String> journal(String unit, int lines, boolean follow);
}
