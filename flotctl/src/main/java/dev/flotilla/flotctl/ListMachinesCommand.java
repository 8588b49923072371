package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.MachineEntity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

@Command(name = "list-machines", description = "List the machines of the cluster.")
final class ListMachinesCommand implements Callable<Integer> {
    @ParentCommand
    FlotctlMain root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-l", "--full"}, description = "Show whole machine ids.")
    boolean full;

    @Option(names = "--no-legend", description = "Leave out the header line.")
    boolean noLegend;

    @Option(names = "--fields", defaultValue = "machine,ip,metadata",
            description = "Columns to show (machine, ip, metadata); default: ${DEFAULT-VALUE}.")
    String fields;

    @Override
    public Integer call() {
        Map<String, Function<MachineEntity, String>> columns = new LinkedHashMap<>();
        columns.put("machine", m -> Table.machineId(m.id(), full));
        columns.put("ip", m -> m.primaryIP().isEmpty() ? "-" : m.primaryIP());
        columns.put("metadata", ListMachinesCommand::metadata);
        Table<MachineEntity> table = new Table<>(columns);
        List<String> chosen = table.fields(fields);
        try (FlotillaClient client = root.client()) {
            List<MachineEntity> machines = client.machines().stream().sorted(Comparator.comparing(MachineEntity::id)).toList();
            table.print(spec.commandLine().getOut(), chosen, machines, !noLegend);
        }
        return 0;
    }

    static String metadata(MachineEntity m) {
        if (m.metadata().isEmpty()) {
            return "-";
        }
        return m.metadata().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
