package dev.dbre.port;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Port: opens a new database connection. Each cloud supplies its own (IAM token, Entra token,
 * Cloud SQL connector, password secret); the local runtime and the tests use {@link
 * dev.dbre.db.JdbcConnectionFactory}. Implementations open a fresh connection per call and never cache one
 * across a SnapStart checkpoint.
 */
@FunctionalInterface
public interface ConnectionFactory {
    /**
     * @return an open connection in auto-commit mode
     * @throws SQLException if the database cannot be reached or refuses the login
     */
    Connection open() throws SQLException;
}
