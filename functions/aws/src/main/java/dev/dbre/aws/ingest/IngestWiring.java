package dev.dbre.aws.ingest;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The ingest functions' one wiring place: from the {@link IngestConfig} read at cold start, what a
 * handler uses (the core service, the EMF publisher, the clock, the HTTP limits) and the database
 * access (pool and IAM token cache), with its SnapStart actions. Built once per execution
 * environment (before a SnapStart snapshot); nothing here opens a connection.
 */
final class IngestWiring {
    /** Every ingest metric carries this one dimension. */
    static final Map<String, String> METRIC_DIMENSIONS = Map.of("function", "ingest");

    private static final Lazy<IngestWiring> SYSTEM = Lazy.of(() -> of(
            IngestConfig.fromEnv(Env.system()),
            DefaultCredentialsProvider.builder().build()));

    private final IngestService ingest;
    private final MetricsPublisher metrics;
    private final Clock clock;
    private final AwsDatabase database;
    private final HttpIngestLimits httpLimits;
    private final AtomicBoolean registered = new AtomicBoolean();

    private IngestWiring(
            IngestService ingest,
            MetricsPublisher metrics,
            Clock clock,
            AwsDatabase database,
            HttpIngestLimits httpLimits) {
        this.ingest = ingest;
        this.metrics = metrics;
        this.clock = clock;
        this.database = database;
        this.httpLimits = httpLimits;
    }

    /**
     * The wiring of this execution environment, from the process environment, built on first use
     * and registered with the global SnapStart hooks (a failed build is tried again on next use).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    static IngestWiring system() {
        return SYSTEM.get().registerWith(SnapStartHooks.global());
    }

    /** From {@code config}, signing IAM tokens with {@code credentials}. */
    static IngestWiring of(IngestConfig config, AwsCredentialsProvider credentials) {
        Clock clock = Clock.systemUTC();
        AwsDatabase db = AwsDatabase.open(config.db(), clock, credentials);
        IngestService ingest = new IngestService(db.connections(), config.parse(), config.metricStore(), clock);
        return new IngestWiring(ingest, new EmfMetricsPublisher(), clock, db, config.http());
    }

    /**
     * Registers the SnapStart actions, once: drop the pool before the snapshot (no socket in it), and
     * drop the pool and the cached token after a restore (restored copies share nothing).
     */
    IngestWiring registerWith(SnapStartHooks hooks) {
        if (registered.compareAndSet(false, true)) {
            hooks.onCheckpoint(database.connections()::close);
            hooks.onRestore(database::close);
        }
        return this;
    }

    IngestService ingest() {
        return ingest;
    }

    MetricsPublisher metrics() {
        return metrics;
    }

    Clock clock() {
        return clock;
    }

    AwsDatabase database() {
        return database;
    }

    HttpIngestLimits httpLimits() {
        return httpLimits;
    }
}
