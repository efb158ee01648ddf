package dev.dbre.obs;

import java.util.List;
import java.util.Map;

/**
 * Port: publishes the metrics of one invocation. AWS writes CloudWatch EMF (Powertools metrics);
 * Azure, Google Cloud and the local runtime write one structured JSON log line that the platform's
 * log-based metrics read. Metric names are defined once, in {@link MetricNames}.
 */
public interface MetricsPublisher {
    /**
     * Publishes {@code metrics} under {@code dimensions} (e.g. function=ingest, source=...).
     * Implementations never throw: a metrics failure must not fail the invocation.
     */
    void publish(Map<String, String> dimensions, List<Metric> metrics);
}
