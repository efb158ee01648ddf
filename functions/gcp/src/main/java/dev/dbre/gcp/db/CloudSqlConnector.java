package dev.dbre.gcp.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DatabaseNames;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.db.PgUrls;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.SecretStore;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A login through the Cloud SQL Java connector ({@code com.google.cloud.sql:postgres-socket-factory}):
 * PgJDBC opens its socket with {@code com.google.cloud.sql.postgres.SocketFactory}, which finds the
 * instance by its connection name, opens an mTLS connection to it with a certificate it fetches
 * with the function's service account, and, with {@code enableIamAuth=true}, sends a fresh IAM
 * OAuth2 token as the password (the database user is the service account's e-mail without {@code
 * .gserviceaccount.com}). PgJDBC's own TLS is off ({@code sslmode=disable}) because the connector's
 * socket is already TLS; that is the connector's documented setting, not a plaintext connection.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><td>{@value #INSTANCE}</td><td>the instance connection name {@code project:region:instance};
 * when set, every login goes through the connector</td></tr>
 * <tr><td>{@value #IP_TYPES}</td><td>PUBLIC, PRIVATE, PSC, comma-separated, in order of preference;
 * default the connector's (PUBLIC,PRIVATE)</td></tr>
 * </table>
 *
 * <p>The same login reaches another instance (a restored clone) through {@link #forInstance}: its
 * driver properties come from the one {@link #properties()}.
 *
 * @param instance the instance connection name {@code project:region:instance}
 * @param auth IAM (a token from the connector) or SECRET (the password from Secret Manager)
 * @param ipTypes the connector's {@code ipTypes}, or null for its default
 */
public record CloudSqlConnector(
        String instance, String database, String user, DbAuth auth, String secretId, String ipTypes) {
    public static final String INSTANCE = "DBRE_CLOUD_SQL_INSTANCE";
    public static final String IP_TYPES = "DBRE_CLOUD_SQL_IP_TYPES";
    static final String SOCKET_FACTORY = "com.google.cloud.sql.postgres.SocketFactory";

    private static final Pattern CONNECTION_NAME = Pattern.compile("[a-z0-9.:-]+:[a-z0-9-]+:[a-z0-9-]+");
    private static final Pattern IP_TYPE_LIST = Pattern.compile("(PUBLIC|PRIVATE|PSC)(,(PUBLIC|PRIVATE|PSC))*");

    /**
     * The connector settings, or null when {@value #INSTANCE} is not set.
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static CloudSqlConnector fromEnv(Env env) {
        String instance = env.optional(INSTANCE);
        if (instance == null) {
            return null;
        }
        if (!CONNECTION_NAME.matcher(instance).matches()) {
            throw new ConfigException(
                    INSTANCE, "must be an instance connection name project:region:instance, was '" + instance + "'");
        }
        String auth = env.string(DbSettings.AUTH, "iam").toLowerCase(Locale.ROOT);
        DbAuth dbAuth = switch (auth) {
            case "iam" -> DbAuth.IAM;
            case "secret" -> DbAuth.SECRET;
            default ->
                throw new ConfigException(
                        DbSettings.AUTH,
                        "must be iam or secret with " + INSTANCE + " (the connector always authenticates), was '" + auth
                                + "'");
        };
        String secretId = env.optional(DbSettings.SECRET_ID);
        if (dbAuth == DbAuth.SECRET && secretId == null) {
            throw new ConfigException(DbSettings.SECRET_ID, "is required when " + DbSettings.AUTH + "=secret");
        }
        String user = dbAuth == DbAuth.IAM ? env.required(DbSettings.USER) : env.optional(DbSettings.USER);
        if (dbAuth == DbAuth.IAM) {
            requireIamUser(DbSettings.USER, user);
        }
        return new CloudSqlConnector(
                instance,
                DatabaseNames.fromEnv(env, DbSettings.NAME, "postgres"),
                user,
                dbAuth,
                secretId,
                ipTypes(env));
    }

    /**
     * {@value #IP_TYPES}, normalised (upper case, no spaces), or null when not set.
     *
     * @throws ConfigException naming {@value #IP_TYPES} when it lists anything but PUBLIC, PRIVATE, PSC
     */
    public static String ipTypes(Env env) {
        String ipTypes = env.optional(IP_TYPES);
        if (ipTypes == null) {
            return null;
        }
        ipTypes = ipTypes.replace(" ", "").toUpperCase(Locale.ROOT);
        if (!IP_TYPE_LIST.matcher(ipTypes).matches()) {
            throw new ConfigException(
                    IP_TYPES, "must list PUBLIC, PRIVATE or PSC, comma-separated, was '" + ipTypes + "'");
        }
        return ipTypes;
    }

    /**
     * Checks the name of a Cloud SQL IAM database user.
     *
     * @throws ConfigException naming {@code variable} when {@code user} is a full service account e-mail
     */
    public static void requireIamUser(String variable, String user) {
        if (user.endsWith(".gserviceaccount.com")) {
            throw new ConfigException(
                    variable,
                    "Cloud SQL IAM database users are the service account's e-mail without '.gserviceaccount.com'");
        }
    }

    /**
     * The same login (user, auth, secret, IP types) to {@code database} on another instance.
     *
     * @param connectionName that instance's connection name {@code project:region:instance}
     */
    public CloudSqlConnector forInstance(String connectionName, String database) {
        return new CloudSqlConnector(connectionName, database, user, auth, secretId, ipTypes);
    }

    /**
     * Connections through the connector: IAM sends the connector's token; SECRET the user and
     * password of the secret, from {@code secrets} (asked once, now).
     */
    public ConnectionFactory connectionFactory(Supplier<? extends SecretStore> secrets) {
        return connectionFactory(secrets, DbTimeouts.DEFAULTS);
    }

    /** As {@link #connectionFactory(Supplier)}, every wait bounded by {@code timeouts}. */
    public ConnectionFactory connectionFactory(Supplier<? extends SecretStore> secrets, DbTimeouts timeouts) {
        Properties properties = properties(timeouts);
        if (auth == DbAuth.SECRET) {
            return new SecretConnectionFactory(secretSettings(), secrets.get(), jdbcUrl(), properties);
        }
        return new JdbcConnectionFactory(jdbcUrl(), properties);
    }

    /** The JDBC URL: no host, the connector finds the instance ({@link PgUrls}: the name is encoded). */
    public String jdbcUrl() {
        return PgUrls.throughSocketFactory(database);
    }

    /** The driver properties with {@link DbTimeouts#DEFAULTS}. */
    public Properties properties() {
        return properties(DbTimeouts.DEFAULTS);
    }

    /**
     * The driver properties (without a password: the connector or the secret supplies it), every
     * wait bounded by {@code timeouts}.
     */
    public Properties properties(DbTimeouts timeouts) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        p.setProperty("socketFactory", SOCKET_FACTORY);
        p.setProperty("cloudSqlInstance", instance);
        if (auth == DbAuth.IAM) {
            p.setProperty("enableIamAuth", "true");
        }
        if (ipTypes != null) {
            p.setProperty("ipTypes", ipTypes);
        }
        p.setProperty("sslmode", "disable"); // the connector's socket is TLS already
        p.setProperty("ApplicationName", "dbre-functions");
        return timeouts.applyTo(p);
    }

    /** Settings for {@link dev.dbre.db.SecretConnectionFactory} (its URL and TLS come from here). */
    DbSettings secretSettings() {
        return new DbSettings(instance, 5432, database, user, DbAuth.SECRET, secretId, "disable", null);
    }
}
