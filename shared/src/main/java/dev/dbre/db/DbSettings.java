package dev.dbre.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.Locale;
import java.util.Set;

/**
 * Where and how to connect, read once at start-up from the environment.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><td>DBRE_DB_HOST</td><td>required</td></tr>
 * <tr><td>DBRE_DB_PORT</td><td>5432</td></tr>
 * <tr><td>DBRE_DB_NAME</td><td>postgres; a PostgreSQL identifier ({@link DatabaseNames})</td></tr>
 * <tr><td>DBRE_DB_USER</td><td>required, except with DBRE_DB_AUTH=secret (then the secret's {@code username}
 * wins; this is the fallback when the secret has none)</td></tr>
 * <tr><td>DBRE_DB_AUTH</td><td>iam | secret | none; default iam</td></tr>
 * <tr><td>DBRE_DB_SECRET_ID</td><td>required when DBRE_DB_AUTH=secret</td></tr>
 * <tr><td>DBRE_DB_SSLMODE</td><td>verify-full (default), verify-ca, require, disable; disable only
 * with DBRE_DB_AUTH=none</td></tr>
 * <tr><td>DBRE_DB_SSLROOTCERT</td><td>CA bundle file (PEM), or {@value #SYSTEM_ROOTS} for the Java runtime's trust
 * store; default per cloud (see {@link TlsRoots}); with verify-ca/verify-full and no root available
 * the function fails at start naming this variable</td></tr>
 * </table>
 */
public record DbSettings(
        String host,
        int port,
        String database,
        String user,
        DbAuth auth,
        String secretId,
        String sslMode,
        String sslRootCert) {
    public static final String HOST = "DBRE_DB_HOST";
    public static final String PORT = "DBRE_DB_PORT";
    public static final String NAME = "DBRE_DB_NAME";
    public static final String USER = "DBRE_DB_USER";
    public static final String AUTH = "DBRE_DB_AUTH";
    public static final String SECRET_ID = "DBRE_DB_SECRET_ID";
    public static final String SSLMODE = "DBRE_DB_SSLMODE";
    public static final String SSLROOTCERT = "DBRE_DB_SSLROOTCERT";

    /** {@value}: verify against the Java runtime's own trust store (cacerts) instead of a PEM file. */
    public static final String SYSTEM_ROOTS = "system";

    private static final Set<String> SSL_MODES = Set.of("verify-full", "verify-ca", "require", "disable");

    /**
     * @throws ConfigException naming the first variable that is missing or wrong
     */
    public static DbSettings fromEnv(Env env) {
        String host = env.required(HOST);
        if (PgUrls.hostProblem(host) != null) {
            throw new ConfigException(HOST, PgUrls.hostProblem(host));
        }
        int port = env.integer(PORT, 5432, 1, 65535);
        String database = DatabaseNames.fromEnv(env, NAME, "postgres");
        String authText = env.string(AUTH, "iam").toLowerCase(Locale.ROOT);
        DbAuth auth;
        try {
            auth = DbAuth.valueOf(authText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(AUTH, "must be iam, secret or none, was '" + authText + "'");
        }
        // With a password secret the user comes from the secret (alternating users change it).
        String user = auth == DbAuth.SECRET ? env.optional(USER) : env.required(USER);
        String secretId = env.optional(SECRET_ID);
        if (auth == DbAuth.SECRET && secretId == null) {
            throw new ConfigException(SECRET_ID, "is required when " + AUTH + "=secret");
        }
        String sslMode = env.string(SSLMODE, "verify-full").toLowerCase(Locale.ROOT);
        if (!SSL_MODES.contains(sslMode)) {
            throw new ConfigException(SSLMODE, "must be one of " + SSL_MODES + ", was '" + sslMode + "'");
        }
        if (sslMode.equals("disable") && auth != DbAuth.NONE) {
            // A token or password must never cross the network in clear text.
            throw new ConfigException(SSLMODE, "disable is allowed only with " + AUTH + "=none");
        }
        return new DbSettings(host, port, database, user, auth, secretId, sslMode, env.optional(SSLROOTCERT));
    }

    /** The same settings with another root certificate setting. */
    public DbSettings withSslRootCert(String rootCert) {
        return new DbSettings(host, port, database, user, auth, secretId, sslMode, rootCert);
    }

    /** True when the server certificate is checked (verify-ca or verify-full). */
    public boolean verifiesCertificate() {
        return sslMode.startsWith("verify");
    }

    /** The JDBC URL, without credentials or settings ({@link PgUrls}: the name is encoded). */
    public String jdbcUrl() {
        return PgUrls.direct(host, port, database);
    }
}
