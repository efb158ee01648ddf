package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.schema.SchemaMigrator;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V5 on a database whose restore runs were written before it (schema V3). */
class RestoreRunsMigrationTest {

    static String insert(String runId, String key, String name, String state, boolean drill, String requestedAt) {
        return "insert into restore_runs (run_id, request_key, source_id, new_name, drill, request, state,"
                + " requested_at, updated_at) values ('" + runId + "', '" + key + "', 'orders', '" + name + "', "
                + drill + ", '{}', '" + state + "', '" + requestedAt + "', '" + requestedAt + "')";
    }

    @Test
    void twoActiveRunsOfOneName_theLaterIsStopped_andTheNameThenHoldsOneActiveRun() throws SQLException {
        var pg = PostgresExtension.server();
        String name = "v5_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        TestDatabase db = new TestDatabase(pg, name);
        Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(db.jdbcUrl(), "postgres", null)
                .locations(SchemaMigrator.LOCATION)
                .target("3")
                .load()
                .migrate();
        String kept = "00000000-0000-4000-8000-000000000001";
        String drill = "00000000-0000-4000-8000-000000000002";
        String cleaned = "00000000-0000-4000-8000-000000000003";
        db.execute(insert(kept, "k1", "orders-copy", "VERIFIED", false, "2026-11-20T10:00:00Z"));
        db.execute(insert(drill, "k2", "orders-copy", "RESTORING", true, "2026-11-20T10:00:01Z"));
        db.execute(insert(cleaned, "k3", "orders-copy", "CLEANED_UP", true, "2026-11-19T10:00:00Z"));

        SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null);

        assertThat(db.queryLong(
                        "select count(*) from restore_runs where run_id = '" + kept + "' and state = 'VERIFIED'"))
                .isEqualTo(1);
        assertThat(
                        db.queryLong(
                                "select count(*) from restore_runs where run_id = '" + drill + "'"
                                        + " and state = 'CLEANUP_FAILED' and outcome = 'FAILED'"
                                        + " and last_error like 'stopped by migration V5: another active run uses the name orders-copy%'"))
                .isEqualTo(1);
        assertThat(db.queryLong(
                        "select count(*) from restore_runs where run_id = '" + cleaned + "' and state = 'CLEANED_UP'"))
                .isEqualTo(1);
        assertThat(db.queryLong(
                        "select count(*) from restore_runs where deadline_at = requested_at + interval '6 hours'"))
                .isEqualTo(3);
        // A third active run under the name is refused by the index, whatever checked before.
        assertThatThrownBy(() -> db.execute("insert into restore_runs (run_id, request_key, source_id, new_name,"
                        + " drill, request, state, requested_at, updated_at, deadline_at) values"
                        + " ('00000000-0000-4000-8000-000000000004', 'k4', 'orders', 'orders-copy', true, '{}',"
                        + " 'REQUESTED', now(), now(), now() + interval '1 hour')"))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"))
                .hasMessageContaining("restore_runs_active_name_key");
    }
}
