package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dbre.config.Env;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda handler for an API Gateway HTTP API route (payload format 2.0): one request body is one
 * source record, keyed by the {@code Idempotency-Key} header (else the API Gateway request id, which
 * a client retry does not keep: clients that retry should send the header).
 *
 * <ul>
 *   <li>202 {@code {"batchId","stored","rejected","duplicate"}}: stored (bad lines kept as rejects);
 *   <li>400 {@code {"error":"no line could be parsed","line":N,"reason":"CODE"}} when every line was
 *       rejected (they are still kept), or naming bad base64/gzip or an empty body;
 *   <li>413 over {@link HttpLimits}; 415 for a content encoding other than gzip;
 *   <li>503 with {@code Retry-After} when the record could not be stored (transient fault).
 * </ul>
 *
 * <p>Handler: {@code dev.dbre.aws.ingest.HttpIngestHandler::handleRequest}.
 */
public final class HttpIngestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestHandler.class);
    private static final SnapStartHooks HOOKS = SnapStartHooks.global();
    /** Longest accepted Idempotency-Key, in characters. */
    static final int MAX_KEY_LENGTH = 255;

    private final IngestService ingest;
    private final MetricsPublisher metrics;
    private final Clock clock;
    private final HttpRequestDecoder decoder;

    /**
     * Builds its clients from the environment (Lambda calls this once per execution environment).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public HttpIngestHandler() {
        this(IngestComponents.fromEnv(Env.system()), HttpLimits.fromEnv(Env.system()));
    }

    /** From components built once (the no-arg constructor; tests that check the SnapStart wiring). */
    HttpIngestHandler(IngestComponents c, HttpLimits limits) {
        this(c.ingest(), c.metrics(), c.clock(), limits);
        c.registerWith(HOOKS);
    }

    /** For tests and other runtimes, with the default size limits. */
    public HttpIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock) {
        this(ingest, metrics, clock, HttpLimits.DEFAULTS);
    }

    /** For tests and other runtimes. */
    public HttpIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock, HttpLimits limits) {
        this.ingest = ingest;
        this.metrics = metrics;
        this.clock = clock;
        this.decoder = new HttpRequestDecoder(limits);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "ingest")) {
            APIGatewayV2HTTPResponse response = handle(event);
            LOG.info("http ingest: route={} status={}", event.getRouteKey(), response.getStatusCode());
            return response;
        }
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        HttpRequestDecoder.Decoded body;
        try {
            body = decoder.decode(event);
        } catch (HttpRequestDecoder.Refused e) {
            LOG.info("request refused ({}): {}", e.status, e.getMessage());
            return HttpResponses.problem(e.status, new HttpResponses.Problem(e.getMessage()));
        }
        if (isBlank(body.payload())) {
            return HttpResponses.problem(400, new HttpResponses.Problem("empty body: send DogStatsD lines or JSON"));
        }
        String key = idempotencyKey(event);
        if (key.length() > MAX_KEY_LENGTH) {
            return HttpResponses.problem(
                    400, new HttpResponses.Problem("Idempotency-Key is longer than " + MAX_KEY_LENGTH + " characters"));
        }
        SourceRecord record = new SourceRecord("", key, 0, arrival(event), body.payload(), body.format(), null);
        BatchResult result;
        try {
            result = ingest.ingest(new IngestBatch(source(event), List.of(record)));
        } catch (RuntimeException e) {
            LOG.error("ingest failed: {}", e.toString(), e);
            IngestMetrics failed = new IngestMetrics();
            failed.addUnprocessed(1);
            metrics.publish(IngestMetrics.DIMENSIONS, failed.toMetrics());
            return HttpResponses.problem(500, new HttpResponses.Problem("internal error"));
        }
        IngestMetrics totals = new IngestMetrics();
        totals.add(result);
        metrics.publish(IngestMetrics.DIMENSIONS, totals.toMetrics());
        return toResponse(result);
    }

    private static APIGatewayV2HTTPResponse toResponse(BatchResult result) {
        if (!result.failed().isEmpty()) {
            RecordResult failed = result.failed().get(0);
            LOG.warn("record not stored (transient): {}", failed.failure());
            return HttpResponses.unavailable("the database is unavailable; retry with the same Idempotency-Key");
        }
        if (result.nothingParsed()) {
            return HttpResponses.problem(
                    400,
                    new HttpResponses.Problem(
                            "no line could be parsed",
                            result.firstRejectLine(),
                            result.firstRejectReason() == null
                                    ? null
                                    : result.firstRejectReason().name()));
        }
        boolean duplicate = result.records().stream().anyMatch(r -> r.outcome() == RecordOutcome.DUPLICATE);
        return HttpResponses.accepted(
                new HttpResponses.Accepted(result.batchId(), result.stored(), result.rejected(), duplicate));
    }

    private static String idempotencyKey(APIGatewayV2HTTPEvent event) {
        String key = HttpRequestDecoder.header(event.getHeaders(), "idempotency-key");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            return event.getRequestContext().getRequestId();
        }
        // API Gateway always sends a request id; without one, never let two requests share a key.
        return "generated-" + java.util.UUID.randomUUID();
    }

    private static String source(APIGatewayV2HTTPEvent event) {
        String route = event.getRouteKey();
        return "http:" + (route == null ? "$default" : route);
    }

    private Instant arrival(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() != null && event.getRequestContext().getTimeEpoch() > 0) {
            return Instant.ofEpochMilli(event.getRequestContext().getTimeEpoch());
        }
        return clock.instant();
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
                return false;
            }
        }
        return true;
    }
}
