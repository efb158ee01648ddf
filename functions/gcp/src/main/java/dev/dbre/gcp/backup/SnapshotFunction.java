package dev.dbre.gcp.backup;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.gcp.trigger.ScheduledTick;
import dev.dbre.obs.LogContext;
import io.cloudevents.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled snapshot function: Cloud Scheduler publishes to a Pub/Sub topic; the Eventarc
 * {@code messagePublished} CloudEvent ({@link ScheduledTick}) runs the backup policy with the Cloud
 * SQL provider. The policy is at {@code DBRE_BACKUP_POLICY} (a file, or {@code gs://bucket/object}:
 * read again at every message, so an edit takes effect at the next one; see {@link
 * GcsPolicyReader}) or the older {@code DBRE_BACKUP_POLICY_FILE}. The message's {@code publishTime}
 * fixes the slot (a redelivery plans the same one); a message body {@code {"dryRun": true}} plans
 * only; any other body is ignored. Per-database failures are in the summary (logged, snapshot_runs,
 * metrics) and the message is acknowledged; a configuration or database fault throws, so Pub/Sub
 * delivers it again.
 */
public final class SnapshotFunction implements CloudEventsFunction {
    static final String NAME = "snapshot";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFunction.class);

    private final BackupComponents components;
    private final SnapshotSchedule schedule;

    /** Used by the Functions Framework. */
    public SnapshotFunction() {
        this(BackupComponents.shared());
    }

    /** @throws dev.dbre.config.ConfigException naming the variable when the policy is missing or invalid */
    public SnapshotFunction(BackupComponents components) {
        this.components = components;
        this.schedule = components.snapshotSchedule();
    }

    @Override
    public void accept(CloudEvent event) {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            ScheduledTick tick = ScheduledTick.of(event);
            if (tick.ignoredBody() != null) {
                LOG.warn("scheduler message body ignored: {}", tick.ignoredBody());
            }
            SnapshotRunSummary summary =
                    schedule.tick(components.provider(), tick.scheduledTime(), tick.dryRun(), components.clock());
            LOG.info(
                    "snapshot policy {}: created={} copied={} deleted={} failed={} dryRun={}",
                    schedule.policy().name(),
                    summary.created(),
                    summary.copied(),
                    summary.deleted(),
                    summary.failed(),
                    tick.dryRun());
        }
    }
}
