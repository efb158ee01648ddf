package dev.dbre.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A {@link ConnectionFactory} over a plain JDBC URL and driver properties. */
public final class JdbcConnectionFactory implements ConnectionFactory {
    private final String url;
    private final Properties properties;

    public JdbcConnectionFactory(String url, Properties properties) {
        this.url = url;
        this.properties = (Properties) properties.clone();
    }

    /** A factory for {@code url} logging in as {@code user}, with {@code password} if not null. */
    public static JdbcConnectionFactory of(String url, String user, String password) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "dbre-functions");
        return new JdbcConnectionFactory(url, p);
    }

    public String url() {
        return url;
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
