package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A unit's systemd state on one machine, as its agent published it (fleet v1's UnitState entity). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record UnitStateEntity(String name, String hash, String machineID, String systemdLoadState,
                              String systemdActiveState, String systemdSubState) {
}
