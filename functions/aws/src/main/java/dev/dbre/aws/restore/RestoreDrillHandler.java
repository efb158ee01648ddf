package dev.dbre.aws.restore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbre.aws.backup.BackupWiring;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.ScheduledDrills;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The scheduled restore drill: an EventBridge Scheduler schedule (every few minutes) invokes it;
 * each tick submits the day's drill from {@code DBRE_DRILL_REQUEST_FILE} (or finds it) and advances
 * it one step ({@link DrillSchedule}) or, when that is unset, drills the fleet of the backup policy
 * in {@code DBRE_BACKUP_POLICY} ({@link dev.dbre.restore.FleetDrills}). The schedule's input is not
 * read. Output: {@link ScheduledDrills#tick}'s JSON. A refused single drill (e.g. the source has no
 * restorable window) is returned as {@code {"error",...}}, not thrown: the next tick tries again, and
 * the alarms are the missing {@code DrillsCompleted} and {@code DrillFailures}.
 *
 * <p>Handler: {@code dev.dbre.aws.restore.RestoreDrillHandler::handleRequest}.
 */
public final class RestoreDrillHandler implements RequestStreamHandler {
    private final ScheduledDrills drills;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public RestoreDrillHandler() {
        this(BackupWiring.system());
    }

    public RestoreDrillHandler(BackupWiring c) {
        this(c.scheduledDrills(), c.clock());
    }

    public RestoreDrillHandler(DrillSchedule drill, Clock clock) {
        this(ScheduledDrills.single(drill), clock);
    }

    public RestoreDrillHandler(ScheduledDrills drills, Clock clock) {
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
            String json = drills.tick(clock, remaining).toString();
            output.write(json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
