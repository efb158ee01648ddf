package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.ConnectionFactory;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PooledConnectionFactoryTest {

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void warmOpens_reuseOnePhysicalConnection(TestDatabase db) throws Exception {
        AtomicInteger physicalOpens = new AtomicInteger();
        ConnectionFactory counting = () -> {
            physicalOpens.incrementAndGet();
            return db.open();
        };
        try (PooledConnectionFactory pool = new PooledConnectionFactory(counting, 2)) {
            int first;
            try (Connection c = pool.open()) {
                first = backendPid(c);
            }
            try (Connection c = pool.open()) {
                assertThat(backendPid(c)).isEqualTo(first);
            }
            assertThat(physicalOpens.get()).isEqualTo(1);
        }
    }

    @Test
    void close_dropsConnections_andNextOpenConnectsAgain(TestDatabase db) throws Exception {
        AtomicInteger physicalOpens = new AtomicInteger();
        ConnectionFactory counting = () -> {
            physicalOpens.incrementAndGet();
            return db.open();
        };
        PooledConnectionFactory pool = new PooledConnectionFactory(counting, 1);
        int first;
        try (Connection c = pool.open()) {
            first = backendPid(c);
        }
        pool.close();
        // The server ends the backend shortly after the client closes its socket.
        String stillThere = "select count(*) from pg_stat_activity where pid = " + first;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (db.queryLong(stillThere) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(db.queryLong(stillThere)).isZero();
        try (Connection c = pool.open()) {
            assertThat(backendPid(c)).isNotEqualTo(first);
        }
        assertThat(physicalOpens.get()).isEqualTo(2);
        pool.close();
    }

    @Test
    void killedIdleConnection_isReplaced(TestDatabase db) throws Exception {
        try (PooledConnectionFactory pool = new PooledConnectionFactory(db.connections(), 1)) {
            int first;
            try (Connection c = pool.open()) {
                first = backendPid(c);
            }
            db.execute("select pg_terminate_backend(" + first + ")");
            // HikariCP re-validates a connection idle for more than 500 ms before handing it out.
            Thread.sleep(700);
            try (Connection c = pool.open()) {
                assertThat(backendPid(c)).isNotEqualTo(first);
            }
        }
    }
}
