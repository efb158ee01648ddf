package dev.dbre.aws.ingest;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricsPublisher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Keeps what the handler published, so tests can check the numbers. */
final class RecordingMetrics implements MetricsPublisher {
    final List<Map<String, String>> dimensions = new ArrayList<>();
    final List<Map<String, Double>> published = new ArrayList<>();

    @Override
    public void publish(Map<String, String> dims, List<Metric> metrics) {
        dimensions.add(Map.copyOf(dims));
        Map<String, Double> values = new HashMap<>();
        metrics.forEach(m -> values.put(m.name(), m.value()));
        published.add(values);
    }

    /** The value of {@code name} in the last publish. */
    double last(String name) {
        return published.get(published.size() - 1).get(name);
    }
}
