package dev.flotilla.api.server;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One sample for {@code /metrics}, given by the daemon (engine figures) besides those the API
 * keeps itself.
 *
 * @param type {@code counter} or {@code gauge}
 */
public record Metric(String name, String type, String help, Map<String, String> labels, double value) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public Metric {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric name: " + name);
        }
        if (!type.equals("counter") && !type.equals("gauge")) {
            throw new IllegalArgumentException("metric type must be counter or gauge: " + type);
        }
        Objects.requireNonNull(help, "help");
        labels = Map.copyOf(labels);
    }

    public static Metric gauge(String name, String help, double value) {
        return new Metric(name, "gauge", help, Map.of(), value);
    }

    public static Metric counter(String name, String help, double value) {
        return new Metric(name, "counter", help, Map.of(), value);
    }
}
