package dev.dbre.azure.backup;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.dbre.azure.trigger.TimerTick;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.obs.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: Timer trigger ({@code %DBRE_SNAPSHOT_SCHEDULE%}, an NCRONTAB app setting) → the
 * policy in {@code DBRE_BACKUP_POLICY} (a file or an Azure blob, read again at every tick) with the
 * Flexible Server provider. The slot is the invocation time's. Per-database failures are in the
 * summary (logged, snapshot_runs, metrics); configuration and database faults throw (the host logs a
 * failed run; the next tick tries again).
 */
public class SnapshotFunction {
    static final String NAME = "snapshot-timer";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFunction.class);

    private final AzureBackupRuntime runtime;

    /** Used by the Functions host. */
    public SnapshotFunction() {
        this(AzureBackupRuntime.shared());
    }

    public SnapshotFunction(AzureBackupRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @throws dev.dbre.config.ConfigException when DBRE_BACKUP_POLICY is not set, cannot be read, is
     *     invalid, or asks for what Flexible Server cannot do (copy, share); nothing was changed
     * @throws IllegalArgumentException when the TimerInfo has a field of the wrong shape
     */
    @FunctionName(NAME)
    public void snapshot(
            @TimerTrigger(name = "timer", schedule = "%DBRE_SNAPSHOT_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            TimerTick tick = TimerTick.parse(timerInfo);
            SnapshotSchedule schedule = runtime.snapshotSchedule();
            // Backups carry no tags: the provider manages those of the policy read at this tick.
            SnapshotRunSummary summary = schedule.tick(runtime::snapshotProvider, null, false, runtime.clock());
            LOG.info(
                    "snapshot policy {}: created={} deleted={} failed={} ({})",
                    schedule.policy().name(),
                    summary.created(),
                    summary.deleted(),
                    summary.failed(),
                    tick);
        }
    }
}
