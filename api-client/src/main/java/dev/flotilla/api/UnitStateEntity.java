package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

/** A unit's systemd state on one machine, as its agent published it (fleet v1's UnitState entity). */
@JsonOmit(JsonOmit.When.EMPTY)
public record UnitStateEntity(String name, String hash, String machineID, String systemdLoadState,
                              String systemdActiveState, String systemdSubState) {
}
