package dev.flotilla.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sweep's one table: every figure that has a growth row, at each size, beside itself divided by
 * the thousands of units (or machines) it is expected to grow with. A constant per-1k column is a
 * figure that grows linearly; a falling one grows slower, a rising one faster. Printed as Markdown,
 * so it goes into docs/benchmarks.md as it is.
 */
final class GrowthTable {
    /**
     * One size of the sweep, measured.
     *
     * @param parts seconds each part took at this size, in the order they ran
     */
    record SizeRun(int machines, int units, Report report, String loadStart, String loadEnd, double seconds,
                   Map<String, Double> parts) {
        String label() {
            return String.format("%,d x %,d", machines, units);
        }

        double per1k(Figure.Basis basis) {
            return switch (basis) {
                case UNITS -> units / 1000.0;
                case MACHINES -> machines / 1000.0;
                case NONE -> Double.NaN;
            };
        }
    }

    private final List<SizeRun> runs;

    GrowthTable(List<SizeRun> runs) {
        this.runs = List.copyOf(runs);
    }

    /** Rows in the order the figures were first reported; each cell is the figure of that row at that size. */
    List<List<String>> rows() {
        Map<String, Figure> firstOfRow = new LinkedHashMap<>();
        for (SizeRun r : runs) {
            for (Figure f : r.report().figures()) {
                if (!f.row().isEmpty()) {
                    firstOfRow.putIfAbsent(f.row(), f);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("load average at start / end", "", r -> r.loadStart() + " / " + r.loadEnd(), r -> ""));
        rows.add(row("wall time of this size", "s", r -> Figure.format(Math.round(r.seconds())), r -> String.join(", ",
                r.parts().entrySet().stream().map(e -> e.getKey() + " " + Math.round(e.getValue())).toList())));
        for (Figure first : firstOfRow.values()) {
            rows.add(row(first.row(), first.unit() + (first.basis().label.isEmpty() ? "" : "; /1k: " + first.basis().label),
                    r -> find(r, first.row()).map(Figure::formatted).orElse("-"),
                    r -> find(r, first.row()).filter(f -> f.basis() != Figure.Basis.NONE)
                            .map(f -> Figure.format(round3(f.value() / r.per1k(f.basis())))).orElse("")));
            if (!Double.isNaN(first.writesPerSecond())) {
                rows.add(row(first.row() + ": share of etcd's ceiling", "", r -> find(r, first.row()).map(f -> r.report().share(f))
                        .filter(s -> !s.isEmpty()).orElse("-"), r -> ""));
            }
        }
        return rows;
    }

    void print(PrintStream out) {
        List<String> header = new ArrayList<>(List.of("figure", "unit"));
        for (SizeRun r : runs) {
            header.add(r.label());
            header.add("/1k");
        }
        out.println("| " + String.join(" | ", header) + " |");
        out.println("|" + " --- |".repeat(header.size()));
        for (List<String> row : rows()) {
            out.println("| " + String.join(" | ", row) + " |");
        }
        out.println("(sizes are machines x units; /1k: the figure divided by thousands of units or machines as its unit says;"
                + " a constant /1k grows linearly)");
    }

    private List<String> row(String name, String unit, java.util.function.Function<SizeRun, String> value,
                             java.util.function.Function<SizeRun, String> perK) {
        List<String> cells = new ArrayList<>(List.of(name, unit));
        for (SizeRun r : runs) {
            cells.add(value.apply(r));
            cells.add(perK.apply(r));
        }
        return cells;
    }

    private static Optional<Figure> find(SizeRun r, String row) {
        return r.report().figures().stream().filter(f -> f.row().equals(row)).findFirst();
    }

    private static double round3(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double scale = Math.pow(10, 2 - Math.floor(Math.log10(Math.abs(v))));
        return Math.round(v * scale) / scale;
    }
}
