package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngest;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.http.HttpIngestRequest;
import dev.dbre.ingest.http.HttpIngestResponse;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda handler for an API Gateway HTTP API route (payload format 2.0). It decodes the body's
 * base64 and hands the request to the cloud-neutral {@link HttpIngest} (content types, bounded
 * gzip, Idempotency-Key, size limits, status codes: see there and the module README), then maps
 * the response back. One request body is one source record, keyed by the {@code Idempotency-Key}
 * header, else the API Gateway request id (which a client retry does not keep: clients that retry
 * should send the header).
 *
 * <p>Handler: {@code dev.dbre.aws.ingest.HttpIngestHandler::handleRequest}.
 */
public final class HttpIngestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestHandler.class);
    private static final SnapStartHooks HOOKS = SnapStartHooks.global();

    private final HttpIngest endpoint;
    private final HttpIngestLimits limits;
    private final MetricsPublisher metrics;

    /**
     * Builds its clients from the environment (Lambda calls this once per execution environment).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public HttpIngestHandler() {
        this(IngestComponents.fromEnv(Env.system()), HttpIngestLimits.fromEnv(Env.system()));
    }

    /** From components built once (the no-arg constructor; tests that check the SnapStart wiring). */
    HttpIngestHandler(IngestComponents c, HttpIngestLimits limits) {
        this(c.ingest(), c.metrics(), c.clock(), limits);
        c.registerWith(HOOKS);
    }

    /** For tests and other runtimes, with the default size limits. */
    public HttpIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock) {
        this(ingest, metrics, clock, HttpIngestLimits.DEFAULTS);
    }

    /** For tests and other runtimes. */
    public HttpIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock, HttpIngestLimits limits) {
        this.endpoint = new HttpIngest(ingest::ingest, limits, clock);
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        try (LogContext ignored = LogContext.open(requestId, "ingest")) {
            APIGatewayV2HTTPResponse response = handle(event, requestId);
            LOG.info("http ingest: route={} status={}", event.getRouteKey(), response.getStatusCode());
            return response;
        }
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, String lambdaRequestId) {
        HttpIngestRequest request;
        try {
            // Never let two requests without any id share a key.
            String fallbackId = lambdaRequestId != null ? lambdaRequestId : "generated-" + UUID.randomUUID();
            request = ApiGatewayRequests.toRequest(event, limits, fallbackId);
        } catch (ApiGatewayRequests.Refused e) {
            return ApiGatewayRequests.refused(e);
        }
        HttpIngestResponse response;
        try {
            response = endpoint.handle(request);
        } catch (RuntimeException e) {
            // The core reports faults as statuses and should not throw; if it does, say so plainly.
            LOG.error("http ingest failed: {}", e.toString(), e);
            return ApiGatewayRequests.toResponse(new HttpIngestResponse(
                    500,
                    java.util.Map.of("Content-Type", "application/json"),
                    Json.object("error", "internal error"),
                    null));
        }
        if (response.result() != null) {
            metrics.publish(IngestComponents.METRIC_DIMENSIONS, IngestMetrics.of(response.result()));
        }
        return ApiGatewayRequests.toResponse(response);
    }
}
