package dev.dbre.testing;

import dev.dbre.schema.SchemaMigrator;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * A fresh database whose schema stops before a given migration, as a database deployed by an
 * earlier release is: a test writes what that release wrote, then applies the rest with {@link
 * SchemaMigrator} and checks what the migration made of it.
 */
public final class EarlierSchema {
    private EarlierSchema() {}

    /**
     * @param version the first migration not to apply, e.g. "7"
     * @return a new database with every shipped migration below {@code version} applied
     */
    public static TestDatabase before(String version) {
        TestDatabase db = PostgresExtension.newDatabase();
        try {
            db.execute("drop schema public cascade; create schema public");
        } catch (SQLException e) {
            throw new IllegalStateException("could not empty " + db.name(), e);
        }
        MigrationVersion stop = MigrationVersion.fromVersion(version);
        Flyway all = Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(db.jdbcUrl(), "postgres", null)
                .locations(SchemaMigrator.LOCATION)
                .load();
        // The newest shipped migration below the stop (the versions in between may change).
        MigrationVersion last = null;
        for (MigrationInfo m : all.info().all()) {
            MigrationVersion v = m.getVersion();
            if (v != null && v.compareTo(stop) < 0 && (last == null || v.compareTo(last) > 0)) {
                last = v;
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("no migration below V" + version);
        }
        Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(db.jdbcUrl(), "postgres", null)
                .locations(SchemaMigrator.LOCATION)
                .target(last)
                .load()
                .migrate();
        return db;
    }
}
