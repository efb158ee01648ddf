package dev.dbre.azure.slo;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.dbre.azure.trigger.TimerTick;
import dev.dbre.obs.LogContext;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: Timer trigger ({@code %DBRE_SLO_SCHEDULE%}, an NCRONTAB app setting) → the SLO
 * report of {@code DBRE_SLO_SPEC} at the invocation's time, written to {@code DBRE_SLO_OUT} (Blob
 * Storage or a folder); {@code DBRE_SLO_NOTIFY} (Event Grid topic or webhook) is told only when an
 * alert starts or stops firing. A bad spec, an unwritable report or a notice that could not be sent
 * throws (the host logs a failed run; the next tick sends the notice again).
 */
public class SloReportFunction {
    static final String NAME = "slo-report";
    private static final Logger LOG = LoggerFactory.getLogger(SloReportFunction.class);

    private final AzureSloRuntime runtime;

    /** Used by the Functions host. */
    public SloReportFunction() {
        this(AzureSloRuntime.shared());
    }

    public SloReportFunction(AzureSloRuntime runtime) {
        this.runtime = runtime;
    }

    /** Logs the run's summary as JSON. */
    @FunctionName(NAME)
    public void report(
            @TimerTrigger(name = "timer", schedule = "%DBRE_SLO_SCHEDULE%") String timerInfo, ExecutionContext context)
            throws Exception {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            TimerTick tick = TimerTick.parse(timerInfo);
            SloRunSummary s = runtime.service()
                    .run(
                            runtime.config().spec(),
                            When.at(runtime.clock().instant()),
                            runtime.config().formats());
            LOG.info("slo report ({}): {}", tick, s.toJson());
        }
    }
}
