package dev.dbre.local.backup;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.port.DatabaseRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Test support: an embedded PostgreSQL with WAL archiving attached to a {@link
 * LocalBackupProvider}, all under one folder of {@code target/tmp}.
 */
public final class LocalSource implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger COUNTER =
            new java.util.concurrent.atomic.AtomicInteger();

    public final LocalPostgres server;
    public final LocalBackupProvider provider;
    public final DatabaseRef ref;

    private LocalSource(LocalPostgres server, LocalBackupProvider provider, DatabaseRef ref) {
        this.server = server;
        this.provider = provider;
        this.ref = ref;
    }

    /** A new source named {@code id} (production when {@code production}) under a fresh folder. */
    public static LocalSource start(String id, boolean production) {
        Path dir = Path.of(
                System.getProperty("java.io.tmpdir"),
                "pitr-" + id + "-" + ProcessHandle.current().pid() % 100000 + "-" + COUNTER.incrementAndGet());
        try {
            DataDirCopy.deleteTree(dir); // left by an earlier run
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LocalPostgres pg = LocalPostgres.start(dir.resolve("source"), 0, LocalBackupProvider.ARCHIVING);
        LocalBackupProvider provider = new LocalBackupProvider(dir.resolve("backup"), Duration.ofSeconds(60));
        DatabaseRef ref =
                new DatabaseRef(id, LocalBackupProvider.KIND, LocalBackupProvider.REGION, Map.of(), production);
        provider.attach(ref, pg);
        return new LocalSource(pg, provider, ref);
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The server's clock (the times of its commits come from it). */
    public Instant now() throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    @Override
    public void close() {
        provider.close();
        server.close();
    }
}
