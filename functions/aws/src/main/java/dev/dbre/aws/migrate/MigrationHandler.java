package dev.dbre.aws.migrate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.obs.LogContext;
import dev.dbre.schema.SchemaMigrator;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy-time schema step on AWS: applies the Flyway migrations shipped in the core, with the
 * same connection settings (and RDS IAM login) as the functions. Invoke it once per deployment,
 * after the database exists and before traffic reaches the new function versions — for example
 * from a CDK {@code triggers.Trigger} or {@code aws lambda invoke}. It ignores its input and
 * returns {@code {"applied": <migrations applied>}}; a failed migration fails the invocation (and
 * so the deployment step). The ingest functions never migrate.
 */
public final class MigrationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationHandler.class);
    private final Env env;

    public MigrationHandler() {
        this(Env.system());
    }

    /** For tests: the environment as a map. */
    public MigrationHandler(Env env) {
        this.env = env;
    }

    /**
     * @throws dev.dbre.config.ConfigException naming a missing or wrong variable
     * @throws org.flywaydb.core.api.FlywayException if a migration fails
     */
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "migrate");
                // Flyway holds a second connection for its lock while it migrates.
                AwsDatabase db = AwsDatabase.forMigrations(env.with(AwsDatabase.POOL_SIZE, "3"), Clock.systemUTC())) {
            int applied = SchemaMigrator.migrate(new ConnectionFactoryDataSource(db.connections()));
            LOG.info("schema migrations applied: {}", applied);
            return Map.of("applied", applied);
        }
    }
}
