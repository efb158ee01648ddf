package dev.dbre.db;

import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A {@link ConnectionFactory} over a plain JDBC URL and driver properties. */
public final class JdbcConnectionFactory implements ConnectionFactory, JdbcTarget {
    private final String url;
    private final Properties properties;

    public JdbcConnectionFactory(String url, Properties properties) {
        this.url = url;
        this.properties = (Properties) properties.clone();
    }

    /**
     * A factory for {@code url} logging in as {@code user}, with {@code password} if not null, and
     * no timeouts (tests and the local provider's own connections to its embedded server).
     */
    public static JdbcConnectionFactory of(String url, String user, String password) {
        return new JdbcConnectionFactory(url, login(user, password));
    }

    /** As {@link #of(String, String, String)}, every wait bounded by {@code timeouts}. */
    public static JdbcConnectionFactory of(String url, String user, String password, DbTimeouts timeouts) {
        return new JdbcConnectionFactory(url, timeouts.applyTo(login(user, password)));
    }

    private static Properties login(String user, String password) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "dbre-functions");
        return p;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Properties driverProperties() {
        return (Properties) properties.clone();
    }

    @Override
    public Connection open() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public String toString() {
        // Never print the properties: they may hold a password.
        return "JdbcConnectionFactory[" + UrlCredentials.mask(url) + "]";
    }
}
