package dev.dbre.azure.restore;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.dbre.azure.backup.AzureBackupRuntime;
import dev.dbre.azure.trigger.TimerTick;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.RestoreEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: Timer trigger ({@code %DBRE_DRILL_SCHEDULE%}) → the day's drill from {@code
 * DBRE_DRILL_REQUEST_FILE}, one step per tick, or when that is unset the fleet drills of the backup
 * policy ({@link dev.dbre.restore.ScheduledDrills}). A drill the core refuses (e.g. the source has no
 * restore window) is logged, not thrown: the next tick tries again.
 */
public class DrillFunction {
    static final String NAME = "restore-drill-timer";
    private static final Logger LOG = LoggerFactory.getLogger(DrillFunction.class);

    private final AzureBackupRuntime runtime;

    /** Used by the Functions host. */
    public DrillFunction() {
        this(AzureBackupRuntime.shared());
    }

    public DrillFunction(AzureBackupRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @throws dev.dbre.config.ConfigException naming DBRE_DRILL_REQUEST_FILE when it cannot be read or
     *     is not a drill request, or the backup policy when neither is set or it is invalid
     */
    @FunctionName(NAME)
    public void drill(
            @TimerTrigger(name = "timer", schedule = "%DBRE_DRILL_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            TimerTick tick = TimerTick.parse(timerInfo);
            LOG.info(
                    "drill tick {}: {}",
                    tick,
                    runtime.scheduledDrills().tick(runtime.clock(), RestoreEndpoint.STEP_BUDGET));
        }
    }
}
