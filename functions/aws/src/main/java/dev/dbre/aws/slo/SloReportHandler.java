package dev.dbre.aws.slo;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbre.aws.event.ScheduledTick;
import dev.dbre.obs.LogContext;
import dev.dbre.slo.SloReportConfig;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled SLO report: EventBridge Scheduler invokes it ({@code events/aws/scheduler-slo-report.json});
 * it reports the specs in {@code DBRE_SLO_SPEC} at the tick's time (else the clock's), writes the
 * report to {@code DBRE_SLO_OUT}, notifies {@code DBRE_SLO_NOTIFY} when an alert starts or stops
 * firing, emits {@code SloAlertsFiring} and returns the run's summary as JSON. A bad spec, an
 * unwritable report or a notice that could not be sent fails the invocation (the scheduler's retry
 * sends the notice again).
 *
 * <p>Handler: {@code dev.dbre.aws.slo.SloReportHandler::handleRequest}.
 */
public final class SloReportHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SloReportHandler.class);

    private final SloReportService service;
    private final SloReportConfig config;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public SloReportHandler() {
        this(SloReportWiring.system());
    }

    public SloReportHandler(SloReportWiring w) {
        this(w.service(), w.config(), w.clock());
    }

    public SloReportHandler(SloReportService service, SloReportConfig config, Clock clock) {
        this.service = service;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "slo-report")) {
            ScheduledTick tick = ScheduledTick.decode(input);
            SloRunSummary s = service.run(
                    config.spec(),
                    When.at(tick.scheduledTime() != null ? tick.scheduledTime() : clock.instant()),
                    config.formats());
            LOG.info(
                    "slo report at {}: {} SLOs, {} alerts firing, {} changed",
                    s.at(),
                    s.slos().size(),
                    s.alertsFiring(),
                    s.changes().size());
            output.write(s.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the SLO report failed: " + e.getMessage(), e);
        }
    }
}
