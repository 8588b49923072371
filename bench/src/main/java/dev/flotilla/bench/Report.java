package dev.flotilla.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The table the harness prints: one row per figure. */
final class Report {
    private final List<Figure> figures = new ArrayList<>();

    void add(Figure f) {
        figures.add(f);
    }

    List<Figure> figures() {
        return List.copyOf(figures);
    }

    void print(PrintStream out) {
        int nameWidth = Math.max(6, figures.stream().mapToInt(f -> f.name().length()).max().orElse(0));
        int valueWidth = Math.max(5, figures.stream().mapToInt(f -> f.formatted().length() + 1 + f.unit().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %" + valueWidth + "s  %-14s  %s%n";
        out.printf(row, "figure", "value", "target", "how");
        for (Figure f : figures) {
            out.printf(row, f.name(), f.formatted() + " " + f.unit(), f.target(), f.how());
        }
    }
}
