package dev.flotilla.api.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prometheus' text exposition format (version 0.0.4): HELP and TYPE once per name, then its samples. */
final class MetricsText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsText() {
    }

    static String render(List<Metric> metrics) {
        Map<String, List<Metric>> byName = new LinkedHashMap<>();
        for (Metric m : metrics) {
            byName.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(m);
        }
        StringBuilder out = new StringBuilder(4096);
        for (List<Metric> family : byName.values()) {
            Metric first = family.get(0);
            out.append("# HELP ").append(first.name()).append(' ').append(escapeHelp(first.help())).append('\n');
            out.append("# TYPE ").append(first.name()).append(' ').append(first.type()).append('\n');
            for (Metric m : family) {
                out.append(m.name());
                if (!m.labels().isEmpty()) {
                    out.append('{');
                    boolean comma = false;
                    for (Map.Entry<String, String> l : new TreeMap<>(m.labels()).entrySet()) {
                        out.append(comma ? "," : "").append(l.getKey()).append("=\"").append(escapeLabel(l.getValue())).append('"');
                        comma = true;
                    }
                    out.append('}');
                }
                out.append(' ').append(number(m.value())).append('\n');
            }
        }
        return out.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
    }
}
