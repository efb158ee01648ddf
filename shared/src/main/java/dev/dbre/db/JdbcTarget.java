package dev.dbre.db;

import dev.dbre.port.ConnectionFactory;
import java.sql.SQLException;
import java.util.Properties;

/**
 * What a {@link ConnectionFactory} hands PgJDBC on {@code open()}: the URL and the driver
 * properties. PgJDBC merges the two and a URL parameter wins, so tests parse them as the driver
 * does ({@code org.postgresql.Driver.parseURL(url(), driverProperties())}) to check that the
 * settings, and not a database name, decide TLS, the socket and the login.
 */
public interface JdbcTarget {
    /** The JDBC URL, without credentials. */
    String url();

    /**
     * The driver properties of the next login, password or token included: never log them.
     *
     * @throws SQLException when the password or token cannot be had (as {@code open()} would)
     */
    Properties driverProperties() throws SQLException;
}
