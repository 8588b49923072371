package dev.flotilla.flotctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** fleetctl's table output: tab-separated columns, an upper-case header unless --no-legend. */
final class Table<T> {
    private final Map<String, Function<T, String>> columns;

    Table(Map<String, Function<T, String>> columns) {
        this.columns = columns;
    }

    /** Parses --fields; an unknown field is a usage error naming the known ones. */
    List<String> fields(String spec) {
        List<String> fields = new ArrayList<>();
        for (String f : spec.split(",")) {
            String name = f.strip().toLowerCase(java.util.Locale.ROOT);
            if (!columns.containsKey(name)) {
                throw new FlotctlMain.UsageError("unknown field '" + f.strip() + "' (known: "
                        + String.join(",", columns.keySet()) + ")");
            }
            fields.add(name);
        }
        return fields;
    }

    /** Passed to the writer a few KiB at a time: 100,000 rows are never one string. */
    private static final int PRINT_CHUNK = 16 << 10;

    void print(PrintWriter out, List<String> fields, List<T> rows, boolean legend) {
        StringBuilder sb = new StringBuilder(PRINT_CHUNK + 1024);
        if (legend) {
            sb.append(String.join("\t", fields.stream().map(s -> s.toUpperCase(java.util.Locale.ROOT)).toList())).append('\n');
        }
        List<Function<T, String>> chosen = fields.stream().map(columns::get).toList();
        for (T row : rows) {
            for (int i = 0; i < chosen.size(); i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                sb.append(chosen.get(i).apply(row));
            }
            sb.append('\n');
            if (sb.length() >= PRINT_CHUNK) {
                out.append(sb);
                sb.setLength(0);
            }
        }
        out.append(sb);
        out.flush();
    }

    /** fleetctl's machine column: {@code 53a80de4.../127.0.0.11}, {@code -} when there is no machine. */
    static String machineLegend(String id, String ip, boolean full) {
        if (id == null || id.isEmpty()) {
            return "-";
        }
        String legend = machineId(id, full);
        return ip == null || ip.isEmpty() ? legend : legend + "/" + ip;
    }

    /** fleetctl shows 7 characters of a hash unless --full. */
    static String hash(String hash, boolean full) {
        if (hash == null || hash.isEmpty()) {
            return "-";
        }
        return full || hash.length() <= 7 ? hash : hash.substring(0, 7);
    }

    /** fleetctl shortens ids to 8 characters and "..." unless --full. */
    static String machineId(String id, boolean full) {
        if (full || id.length() <= 8) {
            return id;
        }
        return id.substring(0, 8) + "...";
    }
}
