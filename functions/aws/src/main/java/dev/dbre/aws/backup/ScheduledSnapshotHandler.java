package dev.dbre.aws.backup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbre.aws.event.ScheduledTick;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.obs.LogContext;
import dev.dbre.port.SnapshotProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled snapshot function: an EventBridge Scheduler schedule (or an EventBridge rule's
 * "Scheduled Event") invokes it; it runs the policy in {@code DBRE_BACKUP_POLICY} (a file, {@code
 * s3://bucket/key} or {@code ssm:/name}; read again at every invocation, so an edit takes effect at
 * the next one) with the RDS provider and returns the run's summary as JSON. The input is a {@link
 * ScheduledTick} (the slot's time, a dry run).
 *
 * <p>Per-database failures are in the summary, the {@code snapshot_runs} row and the metrics; they
 * do not fail the invocation (a retry would redo the whole fleet). A configuration error does, and a
 * policy that cannot be read or is invalid at a tick fails that invocation naming the location and
 * the field, before anything is created or deleted.
 *
 * <p>Handler: {@code dev.dbre.aws.backup.ScheduledSnapshotHandler::handleRequest}.
 */
public final class ScheduledSnapshotHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledSnapshotHandler.class);

    private final SnapshotSchedule schedule;
    private final SnapshotProvider provider;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public ScheduledSnapshotHandler() {
        this(BackupWiring.system());
    }

    public ScheduledSnapshotHandler(BackupWiring w) {
        this(w.snapshotSchedule(), w.provider(), w.clock());
    }

    public ScheduledSnapshotHandler(SnapshotSchedule schedule, SnapshotProvider provider, Clock clock) {
        this.schedule = schedule;
        this.provider = provider;
        this.clock = clock;
    }

    /**
     * @throws dev.dbre.aws.event.BadEventException when {@code scheduledTime}, {@code time} or {@code
     *     dryRun} is present but malformed
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "snapshot")) {
            ScheduledTick tick = ScheduledTick.decode(input);
            SnapshotRunSummary summary = schedule.tick(provider, tick.scheduledTime(), tick.dryRun(), clock);
            LOG.info(
                    "snapshot policy {}: created={} copied={} deleted={} failed={} dryRun={}",
                    summary.policy(),
                    summary.created(),
                    summary.copied(),
                    summary.deleted(),
                    summary.failed(),
                    tick.dryRun());
            output.write(summary.toJson(tick.dryRun()).getBytes(StandardCharsets.UTF_8));
        }
    }
}
