package dev.dbre.db;

import dev.dbre.port.ConnectionFactory;

/**
 * The one connection factory of every function on every cloud: always pooled (kept across warm
 * invocations), differing between clouds only in how it logs in ({@link CloudLogin}).
 */
public final class DatabaseConnections {
    private DatabaseConnections() {}

    /**
     * A pool of at most {@code poolSize} connections logging in as {@code settings.auth()} says.
     *
     * @throws dev.dbre.config.ConfigException when the cloud cannot log in that way, naming what
     *     to set
     */
    public static PooledConnectionFactory pooled(
            DbSettings settings, DbTimeouts timeouts, int poolSize, CloudLogin login) {
        return new PooledConnectionFactory(physical(settings, timeouts, login), poolSize, timeouts);
    }

    /** One new connection per {@code open()}, logging in as {@code settings.auth()} says. */
    public static ConnectionFactory physical(DbSettings settings, DbTimeouts timeouts, CloudLogin login) {
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null, timeouts);
            case IAM -> new PasswordConnectionFactory(settings, login.iamTokens(settings), timeouts);
            case SECRET -> new SecretConnectionFactory(settings, login.secrets(), timeouts);
        };
    }
}
