package dev.flotilla.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The table the harness prints: one row per figure. */
final class Report {
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private OptionalDouble etcdCeiling = OptionalDouble.empty();

    /** A part that could not finish at this size (the sweep goes on with the next part). */
    void failed(String part, Exception e) {
        failures.add(part + ": " + e);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    void add(Figure f) {
        figures.add(f);
    }

    List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** One-key writes per second etcd alone sustains here; write-rate figures are shown as a share of it. */
    void etcdCeiling(double writesPerSecond) {
        etcdCeiling = OptionalDouble.of(writesPerSecond);
    }

    OptionalDouble etcdCeiling() {
        return etcdCeiling;
    }

    /** The figure's write rate as a share of etcd's ceiling, or "" when either is unknown. */
    String share(Figure f) {
        if (Double.isNaN(f.writesPerSecond()) || etcdCeiling.isEmpty()) {
            return "";
        }
        return String.format("%.2f%%", 100 * f.writesPerSecond() / etcdCeiling.getAsDouble());
    }

    void print(PrintStream out) {
        int nameWidth = Math.max(6, figures.stream().mapToInt(f -> f.name().length()).max().orElse(0));
        int valueWidth = Math.max(5, figures.stream().mapToInt(f -> f.formatted().length() + 1 + f.unit().length()).max().orElse(0));
        int targetWidth = Math.max(6, figures.stream().mapToInt(f -> f.target().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %" + valueWidth + "s  %-" + targetWidth + "s  %-8s  %s%n";
        out.printf(row, "figure", "value", "target", "of etcd", "how");
        for (Figure f : figures) {
            out.printf(row, f.name(), f.formatted() + " " + f.unit(), f.target(), share(f), f.how());
        }
        failures.forEach(f -> out.println("FAILED " + f));
        out.println(etcdCeiling.isPresent()
                ? String.format("of etcd: the figure's write rate / %,.0f one-key writes/s (etcdctl check perf --load=l on a fresh etcd here)",
                        etcdCeiling.getAsDouble())
                : "of etcd: not measured (measured by the etcd part, when it runs and finds /usr/bin/etcdctl, "
                        + "which test-vms/setup-host installs)");
    }
}
