package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.MachineDetail;
import dev.flotilla.api.ResourceAmounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

@Command(name = "list-machines", description = "List the machines of the cluster.")
final class ListMachinesCommand implements Callable<Integer> {
    /** The columns only Flotilla's machine resource has (fleet's machines are read otherwise). */
    private static final Set<String> RESOURCE_FIELDS = Set.of("cpu", "memory", "units");

    @ParentCommand
    FlotctlMain root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-l", "--full"}, description = "Show whole machine ids.")
    boolean full;

    @Option(names = "--no-legend", description = "Leave out the header line.")
    boolean noLegend;

    @Option(names = "--fields", defaultValue = "machine,ip,metadata",
            description = "Columns to show (machine, ip, metadata, cpu, memory, units; cpu and memory as allocated/capacity); default: ${DEFAULT-VALUE}.")
    String fields;

    @Override
    public Integer call() {
        Map<String, Function<MachineDetail, String>> columns = new LinkedHashMap<>();
        columns.put("machine", m -> Table.machineId(m.id(), full));
        columns.put("ip", m -> m.primaryIP().isEmpty() ? "-" : m.primaryIP());
        columns.put("metadata", ListMachinesCommand::metadata);
        columns.put("cpu", m -> cpu(m.allocated(), m.capacity()));
        columns.put("memory", m -> memory(m.allocated(), m.capacity()));
        columns.put("units", m -> Integer.toString(m.units()));
        Table<MachineDetail> table = new Table<>(columns);
        List<String> chosen = table.fields(fields);
        try (FlotillaClient client = root.client()) {
            // fleet's machine list is enough unless a resource column is asked for
            List<MachineDetail> machines = chosen.stream().anyMatch(RESOURCE_FIELDS::contains) ? client.machineDetails()
                    : client.machines().stream().map(e -> new MachineDetail(e.id(), e.primaryIP(), e.metadata(), e.apiURL(),
                    ResourceAmounts.NONE, ResourceAmounts.NONE, 0)).toList();
            table.print(spec.commandLine().getOut(), chosen,
                    machines.stream().sorted(Comparator.comparing(MachineDetail::id)).toList(), !noLegend);
        }
        return 0;
    }

    static String metadata(MachineDetail m) {
        if (m.metadata().isEmpty()) {
            return "-";
        }
        return m.metadata().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** {@code 1.5/4}: CPUs allocated of the capacity; "-" when the machine does not announce its CPUs. */
    static String cpu(ResourceAmounts allocated, ResourceAmounts capacity) {
        if (capacity.cpuMillis() == 0) {
            return "-";
        }
        return cpus(allocated.cpuMillis()) + "/" + cpus(capacity.cpuMillis());
    }

    /** {@code 1G/1.5G}: memory allocated of the capacity; "-" when the machine does not announce its memory. */
    static String memory(ResourceAmounts allocated, ResourceAmounts capacity) {
        if (capacity.memoryBytes() == 0) {
            return "-";
        }
        return size(allocated.memoryBytes()) + "/" + size(capacity.memoryBytes());
    }

    static String cpus(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    /** systemd's suffixes (K, M, G, T: powers of 1024), at most one decimal: {@code 1.5G}, {@code 512M}, {@code 0}. */
    static String size(long bytes) {
        String[] suffixes = {"", "K", "M", "G", "T", "P", "E"};
        int unit = 0;
        while (unit + 1 < suffixes.length && bytes >= 1L << (10 * (unit + 1))) {
            unit++;
        }
        BigDecimal value = new BigDecimal(bytes).divide(BigDecimal.valueOf(1L << (10 * unit)), 1, RoundingMode.HALF_UP);
        return value.stripTrailingZeros().toPlainString() + suffixes[unit];
    }
}
