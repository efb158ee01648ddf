package dev.dbre.gcp.ingest;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.dbre.config.Env;
import dev.dbre.gcp.obs.CloudTrace;
import dev.dbre.gcp.trigger.HttpExchange;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.http.HttpIngestRequest;
import dev.dbre.ingest.http.HttpIngestResponse;
import dev.dbre.obs.LogContext;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP ingest on Cloud Run functions: DogStatsD lines or JSON, optionally gzip, behaving exactly as
 * the other clouds' ({@link dev.dbre.ingest.http.HttpIngest}). The exactly-once key is the {@code
 * Idempotency-Key} header, else the {@code Function-Execution-Id} header.
 */
public final class HttpIngestFunction implements HttpFunction {
    static final String NAME = "ingest-http";
    static final String ROUTE = "ingest";
    static final String EXECUTION_ID = "Function-Execution-Id";
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestFunction.class);

    private final IngestComponents components;

    /** Used by the Functions Framework: the components are built from the environment, once. */
    public HttpIngestFunction() {
        this(IngestComponents.SHARED.get());
    }

    public HttpIngestFunction(IngestComponents components) {
        this.components = components;
    }

    /**
     * The function over components built from {@code env} (run-local drives it this way).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static HttpIngestFunction fromEnv(Map<String, String> env, Clock clock) {
        return new HttpIngestFunction(IngestComponents.fromEnv(new Env(env), clock));
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        Map<String, String> headers = HttpExchange.headers(request);
        String requestId = headers.get(EXECUTION_ID);
        if (requestId == null || requestId.isBlank()) {
            // Cloud Run functions always send one; a local run may not. Then only an
            // Idempotency-Key makes a client's retry safe.
            requestId = UUID.randomUUID().toString();
        }
        try (LogContext ignored = LogContext.open(requestId, NAME);
                CloudTrace trace = CloudTrace.open(
                        headers.get("X-Cloud-Trace-Context"),
                        headers.get("traceparent"),
                        components.config().project())) {
            byte[] body = HttpExchange.body(request, components.config().http().maxBodyBytes());
            HttpIngestResponse r = components
                    .http()
                    .handle(new HttpIngestRequest(request.getMethod(), headers, body, requestId, ROUTE));
            if (r.result() != null) {
                components.metrics().publish(Map.of("function", NAME), IngestMetrics.of(r.result()));
            }
            LOG.info("http ingest answered {}", r.status());
            HttpExchange.write(response, r.status(), r.headers(), r.body());
        }
    }
}
