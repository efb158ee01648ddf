package dev.dbre.aws.ingest;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * What an ingest handler builds once, at init (before a SnapStart snapshot): the core service, the
 * EMF publisher, the clock and the database access (pool and IAM token cache). Nothing here opens
 * a connection.
 */
record IngestComponents(IngestService ingest, MetricsPublisher metrics, Clock clock, AwsDatabase database) {
    /**
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    static IngestComponents fromEnv(Env env) {
        return fromEnv(env, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #fromEnv(Env)}, signing IAM tokens with {@code credentials}. */
    static IngestComponents fromEnv(Env env, AwsCredentialsProvider credentials) {
        Clock clock = Clock.systemUTC();
        AwsDatabase db = AwsDatabase.fromEnv(env, clock, credentials);
        IngestService ingest = new IngestService(db.connections(), ParseLimits.fromEnv(env), clock);
        return new IngestComponents(ingest, new EmfMetricsPublisher(), clock, db);
    }

    /**
     * Registers the SnapStart actions: drop the pool before the snapshot (no socket in it), and
     * drop the pool and the cached token after a restore (restored copies share nothing).
     */
    void registerWith(SnapStartHooks hooks) {
        hooks.onCheckpoint(database.connections()::close);
        hooks.onRestore(database::close);
    }
}
