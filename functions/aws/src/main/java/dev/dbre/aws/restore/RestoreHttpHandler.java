package dev.dbre.aws.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dbre.aws.backup.BackupWiring;
import dev.dbre.aws.event.ApiGatewayHttp;
import dev.dbre.aws.event.BadEventException;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.RestoreEndpoint;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore function's HTTP trigger (API Gateway HTTP API, payload format 2.0): the body is a
 * restore request (docs/restore-request.md); the answer is 202 {@code {"runId","state",...}} or the
 * refused rule's status with {@code {"error","field","message"}} (see {@link RestoreEndpoint}).
 * The run then advances from the workflow ({@link RestoreStepHandler}) or the drill schedule.
 *
 * <p>Handler: {@code dev.dbre.aws.restore.RestoreHttpHandler::handleRequest}.
 */
public final class RestoreHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreHttpHandler.class);

    private static final String BAD_BASE64 =
            "{\"error\":\"BAD_REQUEST\",\"field\":\"body\",\"message\":\"the body is not valid base64\"}";

    private final RestoreEndpoint endpoint;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public RestoreHttpHandler() {
        this(BackupWiring.system());
    }

    public RestoreHttpHandler(BackupWiring c) {
        this(c.restoreEndpoint(), c.clock());
    }

    public RestoreHttpHandler(RestoreEndpoint endpoint, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        try (LogContext ignored = LogContext.open(requestId, "restore")) {
            String body;
            try {
                body = ApiGatewayHttp.textBody(event);
            } catch (BadEventException e) {
                return ApiGatewayHttp.json(400, BAD_BASE64);
            }
            RestoreEndpoint.Response r = endpoint.submit(body, clock.instant());
            LOG.info("restore request: route={} status={}", event.getRouteKey(), r.status());
            return ApiGatewayHttp.json(r.status(), r.json());
        }
    }
}
