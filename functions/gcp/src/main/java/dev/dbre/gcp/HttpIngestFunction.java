package dev.dbre.gcp;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.http.HttpIngestRequest;
import dev.dbre.ingest.http.HttpIngestResponse;
import dev.dbre.obs.LogContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    private final GcpIngestRuntime runtime;

    /** Used by the Functions Framework: the runtime is built from the environment, once. */
    public HttpIngestFunction() {
        this(GcpIngestRuntime.shared());
    }

    /**
     * The function over a runtime built from {@code env} (run-local drives it this way).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static HttpIngestFunction fromEnv(Map<String, String> env, Clock clock) {
        return new HttpIngestFunction(GcpIngestRuntime.fromEnv(new Env(env), clock));
    }

    HttpIngestFunction(GcpIngestRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        Map<String, String> headers = firstValues(request.getHeaders());
        String requestId = headers.get(EXECUTION_ID);
        if (requestId == null || requestId.isBlank()) {
            // Cloud Run functions always send one; a local run may not. Then only an
            // Idempotency-Key makes a client's retry safe.
            requestId = UUID.randomUUID().toString();
        }
        try (LogContext ignored = LogContext.open(requestId, NAME);
                CloudTrace trace = CloudTrace.open(
                        headers.get("X-Cloud-Trace-Context"), headers.get("traceparent"), runtime.project)) {
            HttpIngestResponse r = runtime.http.handle(
                    new HttpIngestRequest(request.getMethod(), headers, readBody(request), requestId, ROUTE));
            if (r.result() != null) {
                runtime.metrics.publish(Map.of("function", NAME), IngestMetrics.of(r.result()));
            }
            LOG.info("http ingest answered {}", r.status());
            response.setStatusCode(r.status());
            r.headers().forEach((name, value) -> {
                if (name.equalsIgnoreCase("Content-Type")) {
                    response.setContentType(value);
                } else {
                    response.appendHeader(name, value);
                }
            });
            try (Writer w = response.getWriter()) {
                w.write(r.body());
            }
        }
    }

    /**
     * Reads at most one byte more than the body limit: enough for HttpIngest to answer 413, without
     * buffering an arbitrarily large body.
     */
    private byte[] readBody(HttpRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in.readNBytes(runtime.httpLimits.maxBodyBytes() + 1);
        }
    }

    private static Map<String, String> firstValues(Map<String, List<String>> headers) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                out.putIfAbsent(name, values.get(0));
            }
        });
        return out;
    }
}
