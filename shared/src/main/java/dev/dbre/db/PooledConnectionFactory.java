package dev.dbre.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps a few connections open across warm invocations (HikariCP), each physical connection
 * opened through the underlying {@link ConnectionFactory} — so an IAM token is fetched per new
 * connection, never stored in the pool's configuration.
 *
 * <p>The pool is created lazily on the first {@link #open()}, never during initialisation, so a
 * SnapStart snapshot holds no socket; {@link #close()} (called from the CRaC {@code
 * beforeCheckpoint} hook) drops it and the next {@code open()} builds a new one. Closing a
 * connection obtained here returns it to the pool; a broken one (SQLSTATE class 08, 57P01) is
 * evicted by HikariCP.
 */
public final class PooledConnectionFactory implements ConnectionFactory, AutoCloseable {
    /** Connections kept open across warm invocations, 1–20; the default is per cloud. */
    public static final String POOL_SIZE = "DBRE_DB_POOL_SIZE";

    /** The largest {@value #POOL_SIZE} accepted. */
    public static final int MAX_POOL_SIZE = 20;

    private final ConnectionFactory physical;
    private final int maxSize;
    private final long waitMillis;
    private HikariDataSource pool;

    /** Waiting at most 10 s for a connection (a free one, or a new login). */
    public PooledConnectionFactory(ConnectionFactory physical, int maxSize) {
        this(physical, maxSize, DbTimeouts.DEFAULTS);
    }

    /**
     * @param maxSize connections kept at most (a Lambda handles one invocation at a time: 1–2)
     * @param timeouts the physical connections' timeouts: {@link #open()} waits for a free
     *     connection or a new login about as long as one login may take, then fails as a transient
     *     fault ({@link java.sql.SQLTransientConnectionException})
     */
    public PooledConnectionFactory(ConnectionFactory physical, int maxSize, DbTimeouts timeouts) {
        this.physical = physical;
        this.maxSize = maxSize;
        // One second more than a login may take, so that a login's own error is what the caller sees.
        this.waitMillis = (timeouts.connectSeconds() + 1) * 1000L;
    }

    @Override
    public Connection open() throws SQLException {
        return pool().getConnection();
    }

    /** The factory each new physical connection is opened through. */
    public ConnectionFactory physical() {
        return physical;
    }

    private synchronized HikariDataSource pool() {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(new ConnectionFactoryDataSource(physical));
            config.setPoolName("dbre");
            config.setMaximumPoolSize(maxSize);
            config.setMinimumIdle(0);
            // Don't fail construction when the database is down: open() reports it per call.
            config.setInitializationFailTimeout(-1);
            config.setConnectionTimeout(waitMillis);
            // Below RDS Proxy's and most load balancers' idle cut-offs.
            config.setIdleTimeout(300_000);
            config.setMaxLifetime(840_000);
            config.setAutoCommit(true);
            pool = new HikariDataSource(config);
        }
        return pool;
    }

    /** Closes every pooled connection; the next {@link #open()} starts a new pool. */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public String toString() {
        return "PooledConnectionFactory[" + physical + ", max=" + maxSize + "]";
    }
}
