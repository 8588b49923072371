package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.List;

/** One page of machines (fleet v1's MachinePage). */
@JsonOmit(JsonOmit.When.EMPTY)
public record MachinePage(List<MachineEntity> machines, String nextPageToken) {
    public MachinePage {
        machines = machines == null ? List.of() : List.copyOf(machines);
    }
}
