package dev.dbre.db;

import dev.dbre.port.ConnectionFactory;
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
public final class PasswordConnectionFactory implements ConnectionFactory, JdbcTarget {
    private final DbSettings settings;
    private final Supplier<String> password;
    private final DbTimeouts timeouts;

    /** With {@link DbTimeouts#DEFAULTS}. */
    public PasswordConnectionFactory(DbSettings settings, Supplier<String> password) {
        this(settings, password, DbTimeouts.DEFAULTS);
    }

    /** @param password supplies the password or IAM token; null for {@link DbAuth#NONE} */
    public PasswordConnectionFactory(DbSettings settings, Supplier<String> password, DbTimeouts timeouts) {
        this.settings = settings;
        this.password = password;
        this.timeouts = timeouts;
    }

    @Override
    public Connection open() throws SQLException {
        return DriverManager.getConnection(url(), driverProperties());
    }

    @Override
    public String url() {
        return settings.jdbcUrl();
    }

    /** The properties of the next login, with a password or token fresh from the supplier. */
    @Override
    public Properties driverProperties() {
        return properties(settings, settings.user(), password == null ? null : password.get(), timeouts);
    }

    /** As {@link #properties(DbSettings, String, String, DbTimeouts)} with {@link DbTimeouts#DEFAULTS}. */
    static Properties properties(DbSettings settings, String user, String password) {
        return properties(settings, user, password, DbTimeouts.DEFAULTS);
    }

    /**
     * The driver properties for a login as {@code user}: TLS per the settings ({@link
     * DbSettings#SYSTEM_ROOTS} selects PgJDBC's factory over the Java trust store; PgJDBC still
     * checks the host name for verify-full), the {@code timeouts}, and the password if not null.
     */
    static Properties properties(DbSettings settings, String user, String password, DbTimeouts timeouts) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("sslmode", settings.sslMode());
        if (DbSettings.SYSTEM_ROOTS.equals(settings.sslRootCert())) {
            p.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
        } else if (settings.sslRootCert() != null) {
            p.setProperty("sslrootcert", settings.sslRootCert());
        }
        p.setProperty("ApplicationName", "dbre-functions");
        return timeouts.applyTo(p);
    }

    @Override
    public String toString() {
        return "PasswordConnectionFactory[" + settings.jdbcUrl() + ", user=" + settings.user() + ", auth="
                + settings.auth() + "]";
    }
}
