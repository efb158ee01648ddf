package dev.dbre.azure.backup;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRun;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Azure backup functions, thin over the shared core:
 *
 * <ul>
 *   <li>{@value #SNAPSHOT}: Timer trigger ({@code %DBRE_SNAPSHOT_SCHEDULE%}, an NCRONTAB app
 *       setting) → the policy in {@code DBRE_BACKUP_POLICY} (a file or an Azure blob, read again
 *       at every tick) with the Flexible Server provider.
 *       The slot is the invocation time's. Per-database failures are in the summary (logged,
 *       snapshot_runs, metrics); configuration and database faults throw (the host logs a failed
 *       run; the next tick tries again).
 *   <li>{@value #SUBMIT}: {@code POST /api/restores} with a restore request → 202 with the run id,
 *       or the refused rule's status.
 *   <li>{@value #ADVANCE}: {@code POST /api/restores/advance} with {@code {"runId"}} → one step,
 *       {@code {"runId","state","done",...}}: the activity a Durable Functions orchestration (or a
 *       Logic App loop) calls until {@code done}.
 *   <li>{@value #DRILL}: Timer trigger ({@code %DBRE_DRILL_SCHEDULE%}) → the day's drill from
 *       {@code DBRE_DRILL_REQUEST_FILE}, one step per tick.
 * </ul>
 */
public class BackupFunctions {
    static final String SNAPSHOT = "snapshot-timer";
    static final String SUBMIT = "restore-submit";
    static final String ADVANCE = "restore-advance";
    static final String DRILL = "restore-drill-timer";
    /** What one advance step may use of the invocation (the host's timeout is longer). */
    static final Duration STEP_BUDGET = Duration.ofSeconds(50);

    private static final Logger LOG = LoggerFactory.getLogger(BackupFunctions.class);

    private final AzureBackupRuntime runtime;

    /** Used by the Functions host. */
    public BackupFunctions() {
        this(AzureBackupRuntime.shared());
    }

    BackupFunctions(AzureBackupRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @throws dev.dbre.config.ConfigException when DBRE_BACKUP_POLICY is not set, cannot be read, is
     *     invalid, or asks for what Flexible Server cannot do (copy, share); nothing was changed
     */
    @FunctionName(SNAPSHOT)
    public void snapshot(
            @TimerTrigger(name = "timer", schedule = "%DBRE_SNAPSHOT_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), SNAPSHOT)) {
            SnapshotSchedule schedule = runtime.snapshotSchedule();
            // Backups carry no tags: the provider manages those of the policy read at this tick.
            SnapshotRunSummary summary =
                    schedule.tick(p -> runtime.provider.forPolicy(p.name()), null, false, runtime.clock);
            LOG.info(
                    "snapshot policy {}: created={} deleted={} failed={} (timer {})",
                    schedule.policy().name(),
                    summary.created(),
                    summary.deleted(),
                    summary.failed(),
                    timerInfo == null ? "-" : timerInfo.replaceAll("\\s+", " "));
        }
    }

    @FunctionName(SUBMIT)
    public HttpResponseMessage submit(
            @HttpTrigger(
                            name = "request",
                            methods = {HttpMethod.POST},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "restores",
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), SUBMIT)) {
            RestoreEndpoint.Response r = runtime.restoreEndpoint().submit(body(request), runtime.clock.instant());
            LOG.info("restore submit: status {}", r.status());
            return json(request, r);
        }
    }

    @FunctionName(ADVANCE)
    public HttpResponseMessage advance(
            @HttpTrigger(
                            name = "request",
                            methods = {HttpMethod.POST},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "restores/advance",
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), ADVANCE)) {
            RestoreEndpoint.Response r =
                    runtime.restoreEndpoint().advance(body(request), runtime.clock.instant(), STEP_BUDGET);
            LOG.info("restore advance: status {}", r.status());
            return json(request, r);
        }
    }

    @FunctionName(DRILL)
    public void drill(
            @TimerTrigger(name = "timer", schedule = "%DBRE_DRILL_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), DRILL)) {
            DrillSchedule drills = runtime.drillSchedule();
            try {
                RestoreRun run = drills.tick(runtime.clock.instant(), STEP_BUDGET);
                LOG.info("drill {} of {}: {}", run.newName(), run.sourceId(), run.state());
            } catch (RestoreRejectedException e) {
                LOG.warn("drill refused: {}", e.getMessage());
            }
        }
    }

    private static String body(HttpRequestMessage<Optional<byte[]>> request) {
        return request.getBody().map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    private static HttpResponseMessage json(HttpRequestMessage<Optional<byte[]>> request, RestoreEndpoint.Response r) {
        return request.createResponseBuilder(HttpStatusType.custom(r.status()))
                .header("Content-Type", "application/json")
                .body(r.json())
                .build();
    }
}
