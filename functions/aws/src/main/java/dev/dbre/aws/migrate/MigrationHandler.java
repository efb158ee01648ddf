package dev.dbre.aws.migrate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.db.AwsDbConfig;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.obs.LogContext;
import dev.dbre.schema.SchemaMigrator;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The deploy-time schema step on AWS: applies the Flyway migrations shipped in the core, with the
 * same connection settings (and RDS IAM login) as the functions, read at cold start ({@link
 * AwsDbConfig#forMigrations()}: no statement timeout, up to 3 connections). Invoke it once per
 * deployment, after the database exists and before traffic reaches the new function versions — for
 * example from a CDK {@code triggers.Trigger} or {@code aws lambda invoke}. It ignores its input and
 * returns {@code {"applied": <migrations applied>}}; a failed migration fails the invocation (and so
 * the deployment step). Each invocation opens its own pool and closes it. The ingest functions never
 * migrate.
 */
public final class MigrationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationHandler.class);

    private final AwsDbConfig config;
    private final AwsCredentialsProvider credentials;

    /** @throws dev.dbre.config.ConfigException naming a missing or wrong variable */
    public MigrationHandler() {
        this(Env.system());
    }

    /**
     * For tests: the environment as a map.
     *
     * @throws dev.dbre.config.ConfigException naming a missing or wrong variable
     */
    public MigrationHandler(Env env) {
        this.config = AwsDbConfig.fromEnv(env).forMigrations();
        this.credentials = DefaultCredentialsProvider.builder().build();
    }

    /** @throws org.flywaydb.core.api.FlywayException if a migration fails */
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "migrate");
                AwsDatabase db = AwsDatabase.open(config, Clock.systemUTC(), credentials)) {
            int applied = SchemaMigrator.migrate(new ConnectionFactoryDataSource(db.connections()));
            LOG.info("schema migrations applied: {}", applied);
            return Map.of("applied", applied);
        }
    }
}
