package dev.dbre.gcp.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.config.Env;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.gcp.ingest.PubSubIngestFunction;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Google Cloud functions keep their database connection across warm invocations. */
class GcpConnectionsTest {
    @Test
    void twoPubSubInvocations_reuseOnePhysicalConnection() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        PubSubIngestFunction function = new PubSubIngestFunction(TestRuntimes.forDatabase(db));
        ObjectNode message = (ObjectNode) GcpEvents.json("pubsub-cloudevent.json");

        function.accept(GcpEvents.cloudEvent(message));
        List<Integer> afterFirst = functionBackends(db);
        // A second message: every spelling of its id changes.
        ((ObjectNode) message.path("data").path("message")).put("messageId", "another-message");
        ((ObjectNode) message.path("data").path("message")).put("message_id", "another-message");
        message.put("id", "another-message");
        function.accept(GcpEvents.cloudEvent(message));
        List<Integer> afterSecond = functionBackends(db);

        assertThat(afterFirst)
                .as("one connection stays open after the invocation")
                .hasSize(1);
        assertThat(afterSecond)
                .as("the second invocation used the same backend")
                .isEqualTo(afterFirst);
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(2);
    }

    @Test
    void eachNewPhysicalConnection_logsInAgain_warmOnesDoNot() throws Exception {
        // Through the Cloud SQL connector a physical login is where the IAM token is fetched.
        TestDatabase db = PostgresExtension.newDatabase();
        AtomicInteger logins = new AtomicInteger();
        ConnectionFactory physical = () -> {
            logins.incrementAndGet();
            return db.open();
        };
        GcpDatabaseConfig config = GcpDatabaseConfig.fromEnv(new Env(
                Map.of("DBRE_CLOUD_SQL_INSTANCE", "dbre-prod:europe-west1:metrics", "DBRE_DB_USER", "dbre@p.iam")));
        try (PooledConnectionFactory pool = GcpConnections.pooled(config, physical)) {
            int first = backendPid(pool);
            assertThat(backendPid(pool)).isEqualTo(first);
            assertThat(logins).hasValue(1);

            db.execute("select pg_terminate_backend(" + first + ")");
            Thread.sleep(700); // HikariCP checks a connection idle for over 500 ms before lending it
            assertThat(backendPid(pool)).isNotEqualTo(first);
            assertThat(logins).hasValue(2);
        }
    }

    private static int backendPid(PooledConnectionFactory pool) throws SQLException {
        try (Connection c = pool.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The backends of the functions' connections to {@code db} (not this query's own). */
    static List<Integer> functionBackends(TestDatabase db) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pid from pg_stat_activity where datname = '" + db.name()
                        + "' and application_name = 'dbre-functions' and pid <> pg_backend_pid() order by pid")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }
}
