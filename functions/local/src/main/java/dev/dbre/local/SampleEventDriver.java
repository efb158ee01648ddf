package dev.dbre.local;

import dev.dbre.ingest.IngestService;
import dev.dbre.obs.MetricsPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Pushes one sample event file ({@code events/<cloud>/<file>}) through a cloud's real handler,
 * built as its tests build it, against the embedded database.
 */
public interface SampleEventDriver {
    /** What a handler may need: the core service, a metrics sink, the clock, the function's env. */
    record Target(IngestService ingest, MetricsPublisher metrics, Clock clock, Map<String, String> functionEnv) {}

    /**
     * True for an ingest trigger: its event is replayed at the time the platform delivered it
     * ({@link EventTime}); a scheduled trigger (maintenance) runs at the run's clock.
     */
    default boolean replaysAtDelivery() {
        return true;
    }

    /** True if this driver sends {@code events/<cloud>/<fileName>}. */
    boolean handles(String cloud, String fileName);

    /**
     * True for an HTTP sample that carries metric lines: the HTTP samples of the restore function
     * ({@code *restore*}) share the {@code http}/{@code apigw-http-v2} prefix but are not ingest
     * requests.
     */
    static boolean isIngestHttpSample(String fileName, String prefix) {
        return fileName.startsWith(prefix) && !fileName.contains("restore");
    }

    /** A maintenance function's answer in a few words. */
    static String maintenanceSummary(dev.dbre.metrics.MaintenanceService.Report r) {
        return "maintenance" + (r.dryRun() ? " (dry run)" : "") + ": rolled up " + r.minutesRolled() + " minute(s), "
                + r.hoursRolled() + " hour(s); partitions created "
                + r.partitionsCreated().size() + ", dropped "
                + r.partitionsDropped().size();
    }

    /**
     * Sends the event through the handler.
     *
     * @return the handler's answer in a few words (status code, failures reported)
     * @throws Exception if the file cannot be read or the handler fails outright
     */
    String send(Path file, Target target) throws Exception;
}
