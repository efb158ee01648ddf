package dev.dbre.gcp.restore;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.gcp.backup.BackupComponents;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.ScheduledDrills;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled restore drill: Cloud Scheduler → Pub/Sub → this function, every few minutes. Each
 * message submits the day's drill from {@code DBRE_DRILL_REQUEST_FILE} (or finds it) and advances
 * it one step ({@link DrillSchedule}) or, when that is unset, drills the fleet of the backup policy
 * ({@link ScheduledDrills}). The message body is not read. A refused drill is logged
 * and acknowledged (the next tick tries again); a database or provider fault throws, so Pub/Sub
 * delivers the message again.
 */
public final class DrillFunction implements CloudEventsFunction {
    static final String NAME = "restore-drill";
    private static final Logger LOG = LoggerFactory.getLogger(DrillFunction.class);

    private final ScheduledDrills drills;
    private final Clock clock;

    /** Used by the Functions Framework. */
    public DrillFunction() {
        this(BackupComponents.shared());
    }

    /** @throws dev.dbre.config.ConfigException naming the drill request or the policy when wrong or missing */
    public DrillFunction(BackupComponents components) {
        this.drills = components.scheduledDrills();
        this.clock = components.clock();
    }

    @Override
    public void accept(CloudEvent event) {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            LOG.info("drill tick: {}", drills.tick(clock, RestoreEndpoint.STEP_BUDGET));
        }
    }
}
