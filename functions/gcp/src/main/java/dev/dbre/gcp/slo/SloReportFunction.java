package dev.dbre.gcp.slo;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.gcp.trigger.ScheduledTick;
import dev.dbre.obs.LogContext;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary;
import io.cloudevents.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled SLO report: Cloud Scheduler publishes to a Pub/Sub topic; the Eventarc {@code
 * messagePublished} CloudEvent ({@link ScheduledTick}) runs the report of {@code DBRE_SLO_SPEC} at
 * the message's {@code publishTime} (a redelivery reports the same time), writes it to {@code
 * DBRE_SLO_OUT} (Cloud Storage or a folder) and tells {@code DBRE_SLO_NOTIFY} (a Pub/Sub topic or a
 * webhook) only when an alert starts or stops firing. A bad spec, an unwritable report or a notice
 * that could not be sent throws, so Pub/Sub delivers the tick again.
 */
public final class SloReportFunction implements CloudEventsFunction {
    static final String NAME = "slo-report";
    private static final Logger LOG = LoggerFactory.getLogger(SloReportFunction.class);

    private final SloComponents components;

    /** Used by the Functions Framework. */
    public SloReportFunction() {
        this(SloComponents.shared());
    }

    public SloReportFunction(SloComponents components) {
        this.components = components;
    }

    @Override
    public void accept(CloudEvent event) throws Exception {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            ScheduledTick tick = ScheduledTick.of(event);
            SloRunSummary s = components
                    .service()
                    .run(
                            components.config().spec(),
                            When.at(
                                    tick.scheduledTime() != null
                                            ? tick.scheduledTime()
                                            : components.clock().instant()),
                            components.config().formats());
            LOG.info("slo report: {}", s.toJson());
        }
    }
}
