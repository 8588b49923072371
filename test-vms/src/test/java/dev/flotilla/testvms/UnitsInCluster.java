package dev.flotilla.testvms;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What functional tests ask of a running cluster about units: write a unit file into a machine,
 * read {@code flotctl list-units}, ask a machine's systemd. Everything goes through the same
 * commands and API a user has.
 */
public final class UnitsInCluster {
    private final Cluster cluster;

    public UnitsInCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** One row of {@code list-units --full}. */
    public record Row(String unit, String machineId, String ip, String active, String sub) {
    }

    /** Writes a file inside a machine (its root is a tmpfs: the file vanishes with the machine). */
    public void write(String machine, String path, String content) {
        cluster.exec(machine, "/bin/sh", "-c", "mkdir -p \"$(dirname \"$2\")\" && printf '%s' \"$1\" > \"$2\"", "sh", content, path)
                .requireOk("write " + path + " in " + machine);
    }

    /** {@code flotctl list-units} as seen from a machine, by unit name. */
    public Map<String, Row> listUnits(String via) {
        CommandResult r = cluster.flotctl(via, "list-units", "--full", "--no-legend", "--fields=unit,machine,active,sub")
                .requireOk("list-units");
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : r.out().lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            String[] machine = f[1].split("/", 2);
            rows.put(f[0], new Row(f[0], machine[0], machine.length > 1 ? machine[1] : "", f[2], f.length > 3 ? f[3] : ""));
        }
        return rows;
    }

    /** The machine name (m1, m2, ...) whose id is given. */
    public String machineNamed(String machineId) {
        for (String m : cluster.machines()) {
            if (cluster.machineId(m).equals(machineId)) {
                return m;
            }
        }
        throw new IllegalStateException("no machine has id " + machineId);
    }

    /** Where the cluster runs the unit, if it does. */
    public Optional<String> machineOf(String via, String unit) {
        Row row = listUnits(via).get(unit);
        return row == null || row.machineId().isEmpty() || row.machineId().equals("-")
                ? Optional.empty() : Optional.of(machineNamed(row.machineId()));
    }

    /** {@code systemctl is-active unit} in a machine: active, inactive, failed, activating... */
    public String systemdActive(String machine, String unit) {
        return cluster.exec(machine, "systemctl", "is-active", unit).out();
    }

    /** Machines whose systemd runs the unit (active or activating). */
    public List<String> runningOn(String unit) {
        return cluster.machines().stream()
                .filter(m -> cluster.state(m).equals("running"))
                .filter(m -> {
                    String s = systemdActive(m, unit);
                    return s.equals("active") || s.equals("activating") || s.equals("reloading");
                }).toList();
    }

    /** Every unit a machine's systemd has active or activating, in one call. */
    public java.util.Set<String> activeInSystemd(String machine) {
        CommandResult r = cluster.exec(machine, "systemctl", "list-units", "--all", "--plain", "--no-legend", "--no-pager",
                "--state=active,activating,reloading");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 0 && !f[0].isEmpty()) {
                names.add(f[0]);
            }
        }
        return names;
    }

    /** For each of the units, the running machines whose systemd runs it: one call per machine. */
    public Map<String, List<String>> runningOn(java.util.Collection<String> unitNames) {
        Map<String, List<String>> on = new HashMap<>();
        unitNames.forEach(u -> on.put(u, new java.util.ArrayList<>()));
        for (String m : cluster.machines()) {
            if (!cluster.state(m).equals("running")) {
                continue;
            }
            for (String active : activeInSystemd(m)) {
                List<String> where = on.get(active);
                if (where != null) {
                    where.add(m);
                }
            }
        }
        return on;
    }

    /** The fleet v1 unit states of a unit, straight from a machine's API (no JVM start per poll). */
    public String stateJson(String via, String unit) {
        try {
            return cluster.apiGet(via, "/fleet/v1/state?unitName=" + unit).body();
        } catch (ClusterException e) {
            return "";
        }
    }

    /** Unit text with the given [Service] lines and optional extra sections. */
    public static String unit(String description, String service, String extra) {
        return "[Unit]\nDescription=" + description + "\n\n[Service]\n" + service + "\n" + (extra.isEmpty() ? "" : "\n" + extra + "\n");
    }

    /**
     * Where each of the given units is active, as unit name to its "machine:MainPID" entries (in
     * machine order), read from each running machine's systemd: a process that changed or moved
     * shows as another entry. Units active nowhere are left out.
     */
    public Map<String, List<String>> activeWithPids(java.util.Collection<String> unitNames) {
        Map<String, List<String>> where = new java.util.TreeMap<>();
        List<String> cmd = new java.util.ArrayList<>(List.of("systemctl", "show", "--property=Id,MainPID,ActiveState", "--"));
        cmd.addAll(unitNames);
        for (String m : cluster.machines()) {
            if (!cluster.state(m).equals("running")) {
                continue;
            }
            CommandResult r = cluster.exec(m, cmd.toArray(String[]::new));
            Map<String, String> block = new HashMap<>();
            for (String line : (r.out() + "\n\n").lines().toList()) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    block.put(line.substring(0, eq), line.substring(eq + 1));
                    continue;
                }
                if ("active".equals(block.get("ActiveState")) && block.containsKey("Id")) {
                    where.computeIfAbsent(block.get("Id"), k -> new java.util.ArrayList<>()).add(m + ":" + block.get("MainPID"));
                }
                block.clear();
            }
        }
        return where;
    }

    /** This host's 1/5/15-minute load averages, printed beside every timing. */
    public static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Rows per machine name, for "nothing doubled" checks. */
    public Map<String, Integer> countPerMachine(Map<String, Row> rows) {
        Map<String, Integer> counts = new HashMap<>();
        rows.values().forEach(r -> counts.merge(r.machineId(), 1, Integer::sum));
        return counts;
    }
}
