package dev.dbre.gcp.restore;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.gcp.backup.BackupComponents;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRun;
import io.cloudevents.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled restore drill: Cloud Scheduler → Pub/Sub → this function, every few minutes. Each
 * message submits the day's drill from {@code DBRE_DRILL_REQUEST_FILE} (or finds it) and advances
 * it one step ({@link DrillSchedule}). The message body is not read. A refused drill is logged
 * and acknowledged (the next tick tries again); a database or provider fault throws, so Pub/Sub
 * delivers the message again.
 */
public final class DrillFunction implements CloudEventsFunction {
    static final String NAME = "restore-drill";
    private static final Logger LOG = LoggerFactory.getLogger(DrillFunction.class);

    private final BackupComponents runtime;
    private final DrillSchedule drills;

    /** Used by the Functions Framework. */
    public DrillFunction() {
        this(BackupComponents.shared());
    }

    public DrillFunction(BackupComponents runtime) {
        this.runtime = runtime;
        this.drills = DrillSchedule.fromEnv(runtime.env, runtime.restoreService());
    }

    @Override
    public void accept(CloudEvent event) {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            try {
                RestoreRun run = drills.tick(runtime.clock.instant(), RestoreFunction.STEP_BUDGET);
                LOG.info("drill {} of {}: {}", run.newName(), run.sourceId(), run.state());
            } catch (RestoreRejectedException e) {
                LOG.warn("drill refused: {}", e.getMessage());
            }
        }
    }
}
