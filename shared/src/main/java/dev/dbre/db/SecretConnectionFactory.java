package dev.dbre.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DBRE_DB_AUTH=secret}: logs in with the user name and password of the secret {@code
 * DBRE_DB_SECRET_ID} (secret JSON as AWS's RDS secrets: {@code username}, {@code password}; the
 * user falls back to {@code DBRE_DB_USER}). The CURRENT value is cached between connections; a
 * login refused for its credentials (SQLSTATE class 28) is retried, in this order, with
 *
 * <ol>
 *   <li>CURRENT read again from the store (a rotation finished since it was cached),
 *   <li>PREVIOUS (the store moved on but the database did not, e.g. a rotation undone),
 *   <li>PENDING (single user: between setSecret and finishSecret the database already has the
 *       pending password while CURRENT still holds the old one).
 * </ol>
 *
 * Each candidate is tried once per {@link #open()}; the first that logs in is cached. Any other
 * failure (network, TLS, server down) is thrown at once: another password would not help. Neither
 * a password nor a secret value is ever logged or put into an exception message.
 */
public final class SecretConnectionFactory implements ConnectionFactory, JdbcTarget {
    private static final Logger LOG = LoggerFactory.getLogger(SecretConnectionFactory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A login and its password, from one secret version. */
    record Credentials(String user, String password, String stage) {
        @Override
        public String toString() {
            return "Credentials[" + user + ", " + stage + "]"; // never the password
        }
    }

    private final DbSettings settings;
    private final SecretStore store;
    private final String url;
    private final Properties base;
    private Credentials cached;

    /** With {@link DbTimeouts#DEFAULTS}. */
    public SecretConnectionFactory(DbSettings settings, SecretStore store) {
        this(settings, store, DbTimeouts.DEFAULTS);
    }

    /** @param settings with {@link DbSettings#secretId()} set and TLS already resolved ({@link TlsRoots}) */
    public SecretConnectionFactory(DbSettings settings, SecretStore store, DbTimeouts timeouts) {
        this(settings, store, settings.jdbcUrl(), PasswordConnectionFactory.properties(settings, "", null, timeouts));
    }

    /**
     * For a connection the settings' host and TLS do not describe (the Cloud SQL connector opens
     * its own TLS socket): {@code url} and the driver {@code properties} as given, plus the user and
     * password from the secret.
     */
    public SecretConnectionFactory(DbSettings settings, SecretStore store, String url, Properties properties) {
        if (settings.secretId() == null) {
            throw new IllegalArgumentException("settings without a secret id");
        }
        this.settings = settings;
        this.store = store;
        this.url = url;
        this.base = (Properties) properties.clone();
    }

    /**
     * @throws SQLException the login failure of the last candidate tried, or SQLSTATE 28000 when the
     *     secret has no usable CURRENT value (missing, or JSON without {@code password}), or 08001
     *     when the store cannot be read (its retryable faults as transient)
     */
    @Override
    public Connection open() throws SQLException {
        Credentials first = cachedOrCurrent();
        List<Credentials> tried = new ArrayList<>(List.of(first));
        SQLException failure;
        try {
            return login(first);
        } catch (SQLException e) {
            if (!isCredentialFailure(e)) {
                throw e;
            }
            failure = e;
        }
        for (String stage : new String[] {SecretMetadata.CURRENT, SecretMetadata.PREVIOUS, SecretMetadata.PENDING}) {
            Optional<Credentials> next = read(stage);
            if (next.isEmpty() || tried.stream().anyMatch(t -> sameLogin(t, next.get()))) {
                continue;
            }
            tried.add(next.get());
            LOG.warn(
                    "login as {} refused ({}); trying the {} version of secret {}",
                    first.user(),
                    failure.getSQLState(),
                    stage,
                    settings.secretId());
            try {
                Connection c = login(next.get());
                remember(next.get());
                return c;
            } catch (SQLException e) {
                if (!isCredentialFailure(e)) {
                    throw e;
                }
                failure = e;
            }
        }
        forget();
        throw failure;
    }

    private Connection login(Credentials c) throws SQLException {
        Connection connection = DriverManager.getConnection(url, withCredentials(c));
        remember(c);
        return connection;
    }

    private Properties withCredentials(Credentials c) {
        Properties p = (Properties) base.clone();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password());
        return p;
    }

    @Override
    public String url() {
        return url;
    }

    /** The properties of the first login {@link #open()} tries: with the cached or CURRENT credentials. */
    @Override
    public Properties driverProperties() throws SQLException {
        return withCredentials(cachedOrCurrent());
    }

    private synchronized Credentials cachedOrCurrent() throws SQLException {
        if (cached == null) {
            cached = read(SecretMetadata.CURRENT)
                    .orElseThrow(() -> new SQLException(
                            "secret " + settings.secretId() + " has no " + SecretMetadata.CURRENT + " version",
                            "28000"));
        }
        return cached;
    }

    private synchronized void remember(Credentials c) {
        cached = c;
    }

    /** Forgets the cached credentials (after a failed login, and before a SnapStart snapshot). */
    public synchronized void forget() {
        cached = null;
    }

    private Optional<Credentials> read(String stage) throws SQLException {
        Optional<String> value;
        try {
            value = store.valueByStage(settings.secretId(), stage);
        } catch (SecretStoreException e) {
            throw new SQLException(
                    "could not read the " + stage + " version of secret " + settings.secretId() + ": " + e.getMessage(),
                    e.retryable() ? SqlStates.CONNECTION_FAILURE : "28000",
                    e);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(parse(value.get(), stage));
    }

    private Credentials parse(String secretJson, String stage) throws SQLException {
        JsonNode node;
        try {
            node = JSON.readTree(secretJson);
        } catch (IOException e) {
            // Not e's message: Jackson quotes the text it failed on, which is the secret.
            throw new SQLException(
                    "the " + stage + " version of secret " + settings.secretId() + " is not JSON", "28000");
        }
        String password = text(node, "password");
        if (password == null) {
            throw new SQLException(
                    "the " + stage + " version of secret " + settings.secretId() + " has no \"password\"", "28000");
        }
        String user = text(node, "username");
        if (user == null) {
            user = settings.user();
        }
        if (user == null) {
            throw new SQLException(
                    "the " + stage + " version of secret " + settings.secretId() + " has no \"username\" and "
                            + DbSettings.USER + " is not set",
                    "28000");
        }
        return new Credentials(user, password, stage);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }

    private static boolean sameLogin(Credentials a, Credentials b) {
        return a.user().equals(b.user()) && a.password().equals(b.password());
    }

    /** SQLSTATE class 28: invalid authorization specification (28000), invalid password (28P01). */
    static boolean isCredentialFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("28");
    }

    @Override
    public String toString() {
        return "SecretConnectionFactory[" + url + ", secret=" + settings.secretId() + "]";
    }
}
