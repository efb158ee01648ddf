package dev.dbre.aws.ingest;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.db.RdsIamTokenCache;
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
 * EMF publisher, the clock and the IAM token cache. Nothing here opens a connection.
 *
 * @param tokens the RDS IAM token cache, or null when DBRE_DB_AUTH=none
 */
record IngestComponents(IngestService ingest, MetricsPublisher metrics, Clock clock, RdsIamTokenCache tokens) {
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
        return new IngestComponents(ingest, new EmfMetricsPublisher(), clock, db.tokens());
    }
}
