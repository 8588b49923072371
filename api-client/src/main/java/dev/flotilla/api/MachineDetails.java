package dev.flotilla.api;

import java.util.List;

/** The answer to {@code GET /flotilla/v1/machines}: every machine, by id. */
public record MachineDetails(List<MachineDetail> machines) {
    public MachineDetails {
        machines = machines == null ? List.of() : List.copyOf(machines);
    }
}
