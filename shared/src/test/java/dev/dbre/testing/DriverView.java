package dev.dbre.testing;

import dev.dbre.db.JdbcTarget;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.port.ConnectionFactory;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.postgresql.Driver;

/**
 * What PgJDBC will connect with: the factory's URL and driver properties merged by the driver's
 * own parser ({@link Driver#parseURL}), where a URL parameter overrides a property. Tests compare
 * it with the settings to show that no database name changes TLS, the socket or the login.
 */
public final class DriverView {
    /** Database names that try to add driver settings through the URL (issue 8). */
    public static final List<String> HOSTILE_NAMES = List.of(
            "postgres?sslmode=disable",
            "postgres?sslmode=disable&sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "postgres&sslfactory=org.postgresql.ssl.NonValidatingFactory",
            "orders?cloudSqlInstance=attacker:us-central1:evil&socketFactory=com.example.EvilFactory",
            "orders?socketFactory=javax.net.DefaultSocketFactory&sslmode=disable",
            "postgres?user=attacker&password=known&enableIamAuth=false",
            "postgres%3Fsslmode%3Ddisable",
            "two words+plus#fragment/slash");

    private DriverView() {}

    /**
     * The properties PgJDBC would use for the next {@code open()} of {@code factory} (a pool is
     * looked through to the factory of its physical connections), defaults flattened in.
     *
     * @throws AssertionError when the factory does not show its URL, or PgJDBC cannot parse it
     */
    public static Map<String, String> effective(ConnectionFactory factory) throws SQLException {
        JdbcTarget target = target(factory);
        return effective(target.url(), target.driverProperties());
    }

    /** The factory that logs in, behind a pool if there is one, as the URL and properties it uses. */
    public static JdbcTarget target(ConnectionFactory factory) {
        ConnectionFactory f = factory instanceof PooledConnectionFactory pool ? pool.physical() : factory;
        if (!(f instanceof JdbcTarget target)) {
            throw new AssertionError(f.getClass().getName() + " does not show its URL and properties");
        }
        return target;
    }

    /** {@code url} and {@code properties} as PgJDBC merges them. */
    public static Map<String, String> effective(String url, Properties properties) {
        Properties parsed = Driver.parseURL(url, properties);
        if (parsed == null) {
            throw new AssertionError("PgJDBC cannot parse " + url);
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : parsed.stringPropertyNames()) {
            out.put(name, parsed.getProperty(name));
        }
        return out;
    }

    /** The names of the driver's own properties PgJDBC read from the URL itself (host, port, database). */
    public static final List<String> URL_KEYS = List.of("PGDBNAME", "PGHOST", "PGPORT");

    /** The effective properties minus what the URL's host, port and database path gave. */
    public static Map<String, String> settingsOnly(Map<String, String> effective) {
        Map<String, String> out = new TreeMap<>(effective);
        URL_KEYS.forEach(out::remove);
        return out;
    }
}
