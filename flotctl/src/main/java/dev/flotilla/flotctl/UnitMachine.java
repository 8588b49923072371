package dev.flotilla.flotctl;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.MachineEntity;
import dev.flotilla.api.UnitStateEntry;

import java.util.List;
import java.util.function.Function;

/**
 * Runs a call about a unit on the daemon of the machine the unit runs on: first the daemon
 * flotctl talks to (right when the unit runs there), and when it answers 421, the daemon of the
 * unit's machine at the API URL that machine advertises, with the same credentials.
 */
final class UnitMachine {
    private UnitMachine() {
    }

    static <T> T call(FlotctlMain root, FlotillaClient client, String unit, Function<FlotillaClient, T> call) {
        String url;
        try {
            return call.apply(client);
        } catch (ApiException e) {
            if (e.status() != 421) {
                throw e;
            }
            // The 421 names the daemon to ask; an older daemon's does not: then look it up.
            url = e.apiUrl().isEmpty() ? apiUrlOf(client, unit) : e.apiUrl();
        }
        try (FlotillaClient there = root.client(url)) {
            return call.apply(there);
        }
    }

    static String apiUrlOf(FlotillaClient client, String unit) {
        List<UnitStateEntry> states = client.listing(List.of(unit)).states();
        if (states.isEmpty()) {
            throw new CommandFailure("unit " + unit + " is not running on any machine");
        }
        String machineId = states.get(0).machineID();
        MachineEntity m = client.machines().stream().filter(x -> x.id().equals(machineId)).findFirst()
                .orElseThrow(() -> new CommandFailure("machine " + machineId + " of unit " + unit + " left the cluster"));
        if (m.apiURL().isEmpty()) {
            throw new CommandFailure("unit " + unit + " runs on machine " + machineId + " (" + m.primaryIP()
                    + "), whose daemon has no TCP API (api_listen); run flotctl there");
        }
        return m.apiURL();
    }
}
