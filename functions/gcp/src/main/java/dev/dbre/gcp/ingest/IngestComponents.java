package dev.dbre.gcp.ingest;

import dev.dbre.config.Env;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngest;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;

/**
 * What the Google Cloud ingest functions share, built once per instance from the environment (see
 * {@link GcpEnv}). The Functions Framework creates each function object once; its no-argument
 * constructor takes this from {@link #shared()}, tests build their own with {@link #fromEnv}.
 */
public final class IngestComponents {
    /** Project id for the Cloud Logging trace field ({@code projects/<id>/traces/<trace>}). */
    public static final String PROJECT = "GOOGLE_CLOUD_PROJECT";

    private static volatile IngestComponents shared;

    public final IngestService ingest;
    public final HttpIngest http;
    public final HttpIngestLimits httpLimits;
    public final MetricsPublisher metrics;
    public final Clock clock;
    public final String project;

    private IngestComponents(
            IngestService ingest,
            HttpIngest http,
            HttpIngestLimits httpLimits,
            MetricsPublisher metrics,
            Clock clock,
            String project) {
        this.ingest = ingest;
        this.http = http;
        this.httpLimits = httpLimits;
        this.metrics = metrics;
        this.clock = clock;
        this.project = project;
    }

    /**
     * @throws dev.dbre.config.ConfigException naming the first variable that is missing or wrong
     */
    public static IngestComponents fromEnv(Env env, Clock clock) {
        IngestService service = new IngestService(GcpConnections.fromEnv(env, clock), ParseLimits.fromEnv(env), clock);
        HttpIngestLimits limits = HttpIngestLimits.fromEnv(env);
        return new IngestComponents(
                service,
                new HttpIngest(service::ingest, limits, clock),
                limits,
                new LogMetricsPublisher(System.out, clock),
                clock,
                env.optional(PROJECT));
    }

    /**
     * The instance-wide runtime, built on first use.
     *
     * @throws dev.dbre.config.ConfigException on a configuration error (the function then fails to
     *     load, with the message naming the variable)
     */
    public static IngestComponents shared() {
        IngestComponents r = shared;
        if (r == null) {
            synchronized (IngestComponents.class) {
                r = shared;
                if (r == null) {
                    r = fromEnv(GcpEnv.system(), Clock.systemUTC());
                    shared = r;
                }
            }
        }
        return r;
    }
}
