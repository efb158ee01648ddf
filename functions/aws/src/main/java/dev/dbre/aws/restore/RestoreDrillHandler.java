package dev.dbre.aws.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dbre.aws.backup.BackupWiring;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled restore drill: an EventBridge Scheduler schedule (every few minutes) invokes it;
 * each tick submits the day's drill from {@code DBRE_DRILL_REQUEST_FILE} (or finds it) and advances
 * it one step ({@link DrillSchedule}). The schedule's input is not read. Output: the run as {@link
 * RestoreEndpoint#runJson}. A refused drill (e.g. the source has no restorable window) is logged
 * and returned as {@code {"error",...}}, not thrown: the next tick tries again, and the alarm is
 * the missing {@code DrillsCompleted} metric.
 *
 * <p>Handler: {@code dev.dbre.aws.restore.RestoreDrillHandler::handleRequest}.
 */
public final class RestoreDrillHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreDrillHandler.class);

    private final DrillSchedule drills;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public RestoreDrillHandler() {
        this(BackupWiring.system());
    }

    public RestoreDrillHandler(BackupWiring c) {
        this(c.drillSchedule(), c.clock());
    }

    public RestoreDrillHandler(DrillSchedule drills, Clock clock) {
        this.drills = drills;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        try (LogContext ignored = LogContext.open(requestId, "restore-drill")) {
            input.readAllBytes(); // the schedule's input carries nothing the drill needs
            Duration remaining =
                    context == null ? Duration.ofMinutes(1) : Duration.ofMillis(context.getRemainingTimeInMillis());
            String json;
            try {
                RestoreRun run = drills.tick(clock.instant(), remaining);
                LOG.info("drill {} of {}: {}", run.newName(), run.sourceId(), run.state());
                json = RestoreEndpoint.runJson(run).toString();
            } catch (RestoreRejectedException e) {
                LOG.warn("drill refused: {}", e.getMessage());
                json = JsonNodeFactory.instance
                        .objectNode()
                        .put("error", e.error().name())
                        .put("message", e.getMessage())
                        .toString();
            }
            output.write(json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
