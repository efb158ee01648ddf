package dev.dbre.obs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Log-based metrics for Azure, Google Cloud and the local runtime: one JSON object per line on
 * {@code out}, which Cloud Logging (log-based metrics on {@code jsonPayload.metrics.*}) and Azure
 * Monitor (a Log Analytics query on the traces table) turn into metrics. The line also carries the
 * invocation's request id.
 */
public final class LogMetricsPublisher implements MetricsPublisher {
    private static final JsonFactory JSON = new JsonFactory();
    private final PrintStream out;
    private final Clock clock;

    public LogMetricsPublisher(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void publish(Map<String, String> dimensions, List<Metric> metrics) {
        try {
            out.println(line(dimensions, metrics));
        } catch (RuntimeException | IOException e) {
            // A metrics failure must never fail the invocation.
        }
    }

    /** The JSON line for these metrics (package-visible for tests). */
    String line(Map<String, String> dimensions, List<Metric> metrics) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("time", clock.instant().toString());
            g.writeStringField("severity", "INFO");
            g.writeStringField("message", "metrics");
            String requestId = MDC.get(LogContext.REQUEST_ID);
            if (requestId != null) {
                g.writeStringField(LogContext.REQUEST_ID, requestId);
            }
            g.writeStringField("namespace", MetricNames.NAMESPACE);
            g.writeObjectFieldStart("dimensions");
            for (Map.Entry<String, String> d : dimensions.entrySet()) {
                g.writeStringField(d.getKey(), d.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("metrics");
            for (Metric m : metrics) {
                g.writeNumberField(m.name(), m.value());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("units");
            for (Metric m : metrics) {
                g.writeStringField(m.name(), m.unit());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }
}
