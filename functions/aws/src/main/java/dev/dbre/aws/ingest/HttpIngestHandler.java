package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
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
 * Lambda handler for an API Gateway HTTP API route (payload format 2.0). It decodes the event
 * ({@link ApiGatewayRequests}: base64, size before decoding) and hands the request to the
 * cloud-neutral {@link HttpIngest} (content types, bounded gzip, Idempotency-Key, size limits,
 * status codes: see there and the module README), then maps the response back. One request body is
 * one source record, keyed by the {@code Idempotency-Key} header, else the API Gateway request id
 * (which a client retry does not keep: clients that retry should send the header).
 *
 * <p>Handler: {@code dev.dbre.aws.ingest.HttpIngestHandler::handleRequest}.
 */
public final class HttpIngestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestHandler.class);

    private final HttpIngest endpoint;
    private final HttpIngestLimits limits;
    private final MeteredIngest metrics;

    /**
     * Used by Lambda: the wiring of this execution environment ({@link IngestWiring}).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public HttpIngestHandler() {
        this(IngestWiring.system());
    }

    /** From a wiring built once, its SnapStart actions registered with the global hooks. */
    HttpIngestHandler(IngestWiring w) {
        this(w.registerWith(SnapStartHooks.global()).ingest(), w.metrics(), w.clock(), w.httpLimits());
    }

    /** For tests and other runtimes, with the default size limits. */
    public HttpIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock) {
        this(ingest, metrics, clock, HttpIngestLimits.DEFAULTS);
    }

    /** For tests and other runtimes. */
    public HttpIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock, HttpIngestLimits limits) {
        this.endpoint = new HttpIngest(ingest::ingest, limits, clock);
        this.limits = limits;
        this.metrics = new MeteredIngest(ingest, metrics);
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
            LOG.error("http ingest failed: {}", e.toString(), e);
            return ApiGatewayRequests.internalError();
        }
        if (response.result() != null) {
            metrics.publish(response.result());
        }
        return ApiGatewayRequests.toResponse(response);
    }
}
