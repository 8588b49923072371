package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of machines (fleet v1's MachinePage). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MachinePage(List<MachineEntity> machines, String nextPageToken) {
    public MachinePage {
        machines = machines == null ? List.of() : List.copyOf(machines);
    }
}
