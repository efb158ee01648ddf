package dev.dbre.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SchemaMigratorTest {

    @Test
    void migratedDatabase_hasIngestTables(TestDatabase db) throws Exception {
        long tables = db.queryLong(
                "select count(*) from information_schema.tables where table_schema = 'public' and table_name in "
                        + "('ingest_batches','ingest_records','metric_points','service_checks','ingest_events','ingest_rejects')");
        assertThat(tables).isEqualTo(6);
    }

    @Test
    void migratingAgain_appliesNothing(TestDatabase db) {
        assertThat(SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null)).isZero();
    }

    @Test
    void freshDatabase_getsEveryMigration() throws Exception {
        TestDatabase empty = PostgresExtension.newDatabase();
        empty.execute("drop schema public cascade; create schema public");
        assertThat(SchemaMigrator.migrate(empty.jdbcUrl(), "postgres", null)).isPositive();
        assertThat(empty.queryLong("select count(*) from ingest_records")).isZero();
    }
}
