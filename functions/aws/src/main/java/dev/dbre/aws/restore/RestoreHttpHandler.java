package dev.dbre.aws.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dbre.aws.backup.BackupComponents;
import dev.dbre.config.Env;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.RestoreEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
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

    private final RestoreEndpoint endpoint;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public RestoreHttpHandler() {
        this(BackupComponents.fromEnv(Env.system()));
    }

    public RestoreHttpHandler(BackupComponents c) {
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
            String body = event.getBody();
            if (body != null && event.getIsBase64Encoded()) {
                try {
                    body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return response(400, "{\"error\":\"BAD_REQUEST\",\"message\":\"the body is not valid base64\"}");
                }
            }
            RestoreEndpoint.Response r = endpoint.submit(body, clock.instant());
            LOG.info("restore request: route={} status={}", event.getRouteKey(), r.status());
            return response(r.status(), r.json());
        }
    }

    private static APIGatewayV2HTTPResponse response(int status, String json) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(json)
                .build();
    }
}
