package dev.dbre.gcp.restore;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.dbre.gcp.backup.BackupComponents;
import dev.dbre.gcp.trigger.HttpExchange;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.RestoreEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore function's HTTP endpoint. {@code POST /} (any path but {@code /advance}) submits a
 * restore request: 202 with the run id, or the refused rule's status (see {@link
 * RestoreEndpoint}). {@code POST /advance} with {@code {"runId": "..."}} performs one step and
 * answers {@code {"runId","state","done",...}}: the step a Workflows loop calls (call, switch on
 * {@code done}, {@code sys.sleep}, call again). Other methods get 405. Bodies over 1 MiB get 413.
 */
public final class RestoreFunction implements HttpFunction {
    static final String NAME = "restore";
    static final int MAX_BODY = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(RestoreFunction.class);

    private final RestoreEndpoint endpoint;
    private final Clock clock;

    /** Used by the Functions Framework. */
    public RestoreFunction() {
        this(BackupComponents.shared());
    }

    public RestoreFunction(BackupComponents components) {
        this.endpoint = components.restoreEndpoint();
        this.clock = components.clock();
    }

    @Override
    public void service(HttpRequest request, HttpResponse response) throws IOException {
        String execution = request.getFirstHeader("Function-Execution-Id").orElse(null);
        try (LogContext ignored = LogContext.open(execution, NAME)) {
            if (!"POST".equals(request.getMethod())) {
                HttpExchange.write(
                        response,
                        405,
                        Map.of("Content-Type", "application/json", "Allow", "POST"),
                        "{\"error\":\"METHOD_NOT_ALLOWED\",\"message\":\"use POST\"}");
                return;
            }
            byte[] body = HttpExchange.body(request, MAX_BODY);
            if (body.length > MAX_BODY) {
                HttpExchange.writeJson(
                        response, 413, "{\"error\":\"TOO_LARGE\",\"message\":\"the body is over 1 MiB\"}");
                return;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            boolean advance = request.getPath() != null && request.getPath().endsWith("/advance");
            RestoreEndpoint.Response r = advance
                    ? endpoint.advance(text, clock.instant(), RestoreEndpoint.STEP_BUDGET)
                    : endpoint.submit(text, clock.instant());
            LOG.info("restore {}: status {}", advance ? "advance" : "submit", r.status());
            HttpExchange.writeJson(response, r.status(), r.json());
        }
    }
}
