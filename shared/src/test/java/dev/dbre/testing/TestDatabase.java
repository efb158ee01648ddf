package dev.dbre.testing;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh, migrated database on the shared embedded PostgreSQL, injected by {@link
 * PostgresExtension}.
 */
public record TestDatabase(LocalPostgres server, String name) {
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public ConnectionFactory connections() {
        return JdbcConnectionFactory.of(jdbcUrl(), "postgres", null);
    }

    public Connection open() throws SQLException {
        return connections().open();
    }

    /** Runs a query that returns one number (e.g. {@code select count(*) ...}). */
    public long queryLong(String sql) throws SQLException {
        try (Connection c = open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from: " + sql);
            }
            return rs.getLong(1);
        }
    }

    /** Runs a statement. */
    public void execute(String sql) throws SQLException {
        try (Connection c = open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
