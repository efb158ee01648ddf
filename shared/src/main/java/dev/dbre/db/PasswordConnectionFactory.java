package dev.dbre.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Opens connections per {@link DbSettings}, asking {@code password} for a fresh password or token
 * on every open (IAM tokens expire; the supplier caches and refreshes them). TLS settings come from
 * the settings; the password is never logged or kept here.
 */
public final class PasswordConnectionFactory implements ConnectionFactory {
    private final DbSettings settings;
    private final Supplier<String> password;

    /** @param password supplies the password or IAM token; null for {@link DbAuth#NONE} */
    public PasswordConnectionFactory(DbSettings settings, Supplier<String> password) {
        this.settings = settings;
        this.password = password;
    }

    @Override
    public Connection open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.user());
        if (password != null) {
            p.setProperty("password", password.get());
        }
        p.setProperty("sslmode", settings.sslMode());
        if (settings.sslRootCert() != null) {
            p.setProperty("sslrootcert", settings.sslRootCert());
        }
        p.setProperty("ApplicationName", "dbre-functions");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(settings.jdbcUrl(), p);
    }

    @Override
    public String toString() {
        return "PasswordConnectionFactory[" + settings.jdbcUrl() + ", user=" + settings.user() + ", auth="
                + settings.auth() + "]";
    }
}
