package dev.dbre.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
    private final ConnectionFactory physical;
    private final int maxSize;
    private HikariDataSource pool;

    /** @param maxSize connections kept at most (a Lambda handles one invocation at a time: 1–2) */
    public PooledConnectionFactory(ConnectionFactory physical, int maxSize) {
        this.physical = physical;
        this.maxSize = maxSize;
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
            config.setConnectionTimeout(10_000);
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
