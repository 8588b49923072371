package dev.flotilla.api.server;

import java.util.List;

/**
 * The commands that show a unit of this machine: {@code systemctl status} and {@code journalctl -u}.
 * Arguments, never a shell; the unit name was checked before.
 */
public interface UnitCommands {
    List<String> status(String unit);

    List<String> journal(String unit, int lines, boolean follow);

    /** systemd's own tools, as on every machine flotd runs units on. */
    static UnitCommands systemd() {
        return new UnitCommands() {
            @Override
            public List<String> status(String unit) {
                return List.of("systemctl", "status", "--no-pager", "--full", "--lines=10", "--", unit);
            }

            @Override
            public List<String> journal(String unit, int lines, boolean follow) {
                return follow
                        ? List.of("journalctl", "--no-pager", "--lines=" + lines, "--follow", "--unit", unit)
                        : List.of("journalctl", "--no-pager", "--lines=" + lines, "--unit", unit);
            }
        };
    }
}
