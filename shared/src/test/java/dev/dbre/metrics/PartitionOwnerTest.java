package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.testing.PasswordLogins;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ingest functions log in as an application role, not as the owner of the metric tables: they
 * must still be able to add the partition of a late or early bucket, and nothing else.
 */
@ExtendWith(PostgresExtension.class)
class PartitionOwnerTest {
    private static final Instant DAY = Instant.parse("2019-03-04T00:00:00Z");

    private final TestDatabase db;
    private String role;

    PartitionOwnerTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void applicationRole() throws SQLException {
        PasswordLogins.enable();
        role = PasswordLogins.newRoleName();
        db.execute("create role " + role + " login password 'app-pw'");
        db.execute("grant insert, select on metric_series, metric_agg to " + role);
    }

    private Connection asApplication() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + db.server().port() + "/" + db.name(), role, "app-pw");
    }

    private static void ensure(Connection c, String parent, String part) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
            ps.setString(1, parent);
            ps.setTimestamp(2, Timestamp.from(DAY));
            ps.setTimestamp(3, Timestamp.from(DAY.plusSeconds(86_400)));
            ps.setString(4, part);
            ps.execute();
        }
    }

    @Test
    void anApplicationRole_addsTheMissingPartitionOfAMetricTable() throws SQLException {
        try (Connection c = asApplication()) {
            ensure(c, "metric_agg", "metric_agg_p20190304");
        }
        assertThat(db.queryLong("select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent"
                        + " join pg_class k on k.oid = i.inhrelid"
                        + " where p.relname = 'metric_agg' and k.relname = 'metric_agg_p20190304'"))
                .isEqualTo(1);
    }

    @Test
    void theDailyRollupTable_isAMetricTableToo() throws SQLException {
        try (Connection c = asApplication()) {
            ensure(c, "metric_agg_1d", "metric_agg_1d_p20190304");
        }
        assertThat(db.queryLong("select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent"
                        + " join pg_class k on k.oid = i.inhrelid"
                        + " where p.relname = 'metric_agg_1d' and k.relname = 'metric_agg_1d_p20190304'"))
                .isEqualTo(1);
    }

    @Test
    void anyOtherTableOrName_isRefused_andNothingIsCreated() throws SQLException {
        try (Connection c = asApplication()) {
            assertThatThrownBy(() -> ensure(c, "ingest_batches", "ingest_batches_p20190304"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("ingest_batches is not a metric table");
            assertThatThrownBy(() -> ensure(c, "metric_agg", "evil; drop table x"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("is not a partition name of metric_agg");
        }
        assertThat(db.queryLong("select count(*) from pg_class where relname in"
                        + " ('ingest_batches_p20190304', 'evil; drop table x')"))
                .isZero();
    }
}
