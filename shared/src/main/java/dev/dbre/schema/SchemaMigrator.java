package dev.dbre.schema;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the schema (Flyway migrations under {@code db/migration} in this module).
 *
 * <p>Run by {@code dbre migrate} and by the deploy-time migration step — never inside an ingest
 * invocation, so a function's cold start does not pay for it and two concurrent invocations never
 * race on DDL.
 */
public final class SchemaMigrator {
    public static final String LOCATION = "classpath:db/migration";

    private SchemaMigrator() {}

    /**
     * Applies every pending migration.
     *
     * @return the number of migrations applied (0 when the schema is current)
     * @throws org.flywaydb.core.api.FlywayException if a migration fails or the applied history
     *     does not match the shipped migrations
     */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = configure(dataSource).migrate();
        return result.migrationsExecuted;
    }

    /**
     * Applies every pending migration on the database at {@code jdbcUrl}.
     *
     * @param password may be null (trust or IAM-token authentication configured elsewhere)
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        MigrateResult result = Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations(LOCATION)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    private static Flyway configure(DataSource dataSource) {
        return Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .load();
    }
}
