package dev.dbre.gcp.ingest;

import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngest;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;

/**
 * What the ingest functions build once per instance from {@link IngestConfig}: the core service (over
 * the pooled database), the HTTP contract, the log metrics publisher and the clock. The Functions
 * Framework creates each function object once; its no-argument constructor takes {@link #SHARED},
 * tests build their own with {@link #fromEnv}.
 *
 */
public record IngestComponents(
        IngestService ingest, HttpIngest http, IngestConfig config, MetricsPublisher metrics, Clock clock) {
    /**
     * Built on first use from the process environment ({@link GcpEnv}); a configuration error fails
     * the function's load, with the message naming the variable, and is tried again on the next.
     */
    static final Lazy<IngestComponents> SHARED = Lazy.of(() -> fromEnv(GcpEnv.system(), Clock.systemUTC()));

    /** @throws dev.dbre.config.ConfigException naming the first variable that is missing or wrong */
    public static IngestComponents fromEnv(Env env, Clock clock) {
        return from(IngestConfig.fromEnv(env), clock);
    }

    public static IngestComponents from(IngestConfig config, Clock clock) {
        IngestService service = new IngestService(
                GcpConnections.pooled(config.database(), clock), config.parse(), config.metricStore(), clock);
        return new IngestComponents(
                service,
                new HttpIngest(service::ingest, config.http(), clock),
                config,
                new LogMetricsPublisher(System.out, clock),
                clock);
    }
}
