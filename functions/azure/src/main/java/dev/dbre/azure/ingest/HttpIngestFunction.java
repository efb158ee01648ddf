package dev.dbre.azure.ingest;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.http.HttpIngestRequest;
import dev.dbre.ingest.http.HttpIngestResponse;
import dev.dbre.obs.LogContext;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP ingest: {@code POST /api/ingest} with DogStatsD lines or JSON, optionally gzip. Behaves
 * exactly as the other clouds' HTTP ingest ({@link dev.dbre.ingest.http.HttpIngest}); the exactly-once
 * key is the {@code Idempotency-Key} header, else the invocation id.
 *
 * <p>Every method is routed here (no {@code methods} filter), so a GET gets the same 405 as on the
 * other clouds rather than the host's 404.
 */
public class HttpIngestFunction {
    public static final String NAME = "ingest-http";
    static final String ROUTE = "ingest";
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestFunction.class);

    private final AzureIngestRuntime runtime;

    /** Used by the Functions host: the runtime is built from the app settings, once per process. */
    public HttpIngestFunction() {
        this(AzureIngestRuntime.SHARED.get());
    }

    /**
     * The function over a runtime built from {@code appSettings} (run-local drives it this way).
     *
     * @throws dev.dbre.config.ConfigException naming the setting that is missing or wrong
     */
    public static HttpIngestFunction fromSettings(Map<String, String> appSettings, Clock clock) {
        return new HttpIngestFunction(AzureIngestRuntime.fromEnv(new Env(appSettings), clock));
    }

    public HttpIngestFunction(AzureIngestRuntime runtime) {
        this.runtime = runtime;
    }

    @FunctionName(NAME)
    public HttpResponseMessage run(
            @HttpTrigger(name = "request", authLevel = AuthorizationLevel.FUNCTION, route = ROUTE, dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            HttpIngestResponse response = runtime.http()
                    .handle(new HttpIngestRequest(
                            request.getHttpMethod().name(),
                            request.getHeaders(),
                            request.getBody().orElse(null),
                            context.getInvocationId(),
                            ROUTE));
            if (response.result() != null) {
                runtime.metrics().publish(Map.of("function", NAME), IngestMetrics.of(response.result()));
            }
            LOG.info("http ingest answered {}", response.status());
            HttpResponseMessage.Builder builder =
                    request.createResponseBuilder(HttpStatusType.custom(response.status()));
            response.headers().forEach(builder::header);
            return builder.body(response.body()).build();
        }
    }
}
