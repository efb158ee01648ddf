package dev.dbre.aws.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbre.aws.backup.BackupWiring;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.RestoreEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * One step of a restore workflow (a Step Functions Task): input {@code {"runId": "..."}}, output
 * {@code {"runId","state","done",...}}. The state machine loops Task → Choice ({@code $.done}) →
 * Wait → Task (module README). Each call advances the run at most one state, so a retried or
 * duplicated task is harmless.
 *
 * <p>Errors, for the state machine's Retry and Catch: {@link RestoreStepUnavailable} (database or
 * provider briefly unavailable: retry) and {@link RestoreStepRefused} (no such run, bad input: do
 * not retry). A run that FAILED is a normal output ({@code done: true, outcome: FAILED}).
 *
 * <p>Handler: {@code dev.dbre.aws.restore.RestoreStepHandler::handleRequest}.
 */
public final class RestoreStepHandler implements RequestStreamHandler {
    private final RestoreEndpoint endpoint;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public RestoreStepHandler() {
        this(BackupWiring.system());
    }

    public RestoreStepHandler(BackupWiring c) {
        this(c.restoreEndpoint(), c.clock());
    }

    public RestoreStepHandler(RestoreEndpoint endpoint, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /**
     * @throws RestoreStepRefused when the input names no run, or a run that does not exist
     * @throws RestoreStepUnavailable when the runs table or the provider cannot be reached
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        try (LogContext ignored = LogContext.open(requestId, "restore-step")) {
            String in = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            Duration remaining =
                    context == null ? Duration.ofMinutes(1) : Duration.ofMillis(context.getRemainingTimeInMillis());
            RestoreEndpoint.Response r = endpoint.advance(in, clock.instant(), remaining);
            if (r.status() >= 500) {
                throw new RestoreStepUnavailable(r.json());
            }
            if (r.status() != 200) {
                throw new RestoreStepRefused(r.json());
            }
            output.write(r.json().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The step could not run now; Step Functions should retry it. */
    public static final class RestoreStepUnavailable extends RuntimeException {
        public RestoreStepUnavailable(String json) {
            super(json);
        }
    }

    /** The input is wrong or names no run; retrying cannot help. */
    public static final class RestoreStepRefused extends RuntimeException {
        public RestoreStepRefused(String json) {
            super(json);
        }
    }
}
