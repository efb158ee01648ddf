package dev.dbre.aws.obs;

import dev.dbre.obs.LogContext;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * CloudWatch metrics through Powertools' Embedded Metric Format writer: one EMF JSON line on
 * stdout per {@link #publish} call, in namespace {@value MetricNames#NAMESPACE}, which CloudWatch
 * Logs turns into metrics with no API call.
 *
 * <p>Uses Powertools' plain API ({@code flushMetrics}), not its {@code @FlushMetrics} annotation:
 * the annotation needs AspectJ weaving at build time, which costs cold start and a plugin that lags
 * new JDKs (powertools-lambda-java#1156). Each call writes an isolated metrics context with its own
 * dimensions, so concurrent or repeated calls never mix. The invocation's {@code request_id} goes
 * in as EMF metadata (a property, not a dimension), so metric lines can be joined to log lines.
 */
public final class EmfMetricsPublisher implements MetricsPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EmfMetricsPublisher.class);
    private final Metrics metrics;

    /** Publishes through Powertools' shared instance, in namespace {@value MetricNames#NAMESPACE}. */
    public EmfMetricsPublisher() {
        this(MetricsFactory.getMetricsInstance());
    }

    EmfMetricsPublisher(Metrics metrics) {
        this.metrics = metrics;
        this.metrics.setNamespace(MetricNames.NAMESPACE);
    }

    @Override
    public void publish(Map<String, String> dimensions, List<Metric> values) {
        try {
            metrics.flushMetrics(m -> {
                m.setDefaultDimensions(DimensionSet.of(dimensions));
                String requestId = MDC.get(LogContext.REQUEST_ID);
                if (requestId != null) {
                    m.addMetadata(LogContext.REQUEST_ID, requestId);
                }
                for (Metric v : values) {
                    m.addMetric(v.name(), v.value(), unit(v.unit()));
                }
            });
        } catch (RuntimeException e) {
            // A metrics failure must never fail the invocation.
            LOG.warn("could not publish metrics: {}", e.toString());
        }
    }

    /** The Powertools unit for a CloudWatch unit name (Count, Milliseconds, Bytes, ...). */
    static MetricUnit unit(String cloudWatchName) {
        for (MetricUnit u : MetricUnit.values()) {
            if (u.getName().equals(cloudWatchName)) {
                return u;
            }
        }
        return MetricUnit.NONE;
    }
}
