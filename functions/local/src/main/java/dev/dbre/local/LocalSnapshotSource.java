package dev.dbre.local;

import dev.dbre.backup.DatabaseRef;
import dev.dbre.backup.SnapshotProvider;
import dev.dbre.backup.local.LocalBackupProvider;
import dev.dbre.db.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The local runtime's database for {@code dbre snapshot}: an embedded PostgreSQL whose data
 * directory lives under {@code <local-dir>/source/data} (created on first use, started again on
 * later ones) with WAL archiving, attached to the {@link LocalBackupProvider} under {@code
 * <local-dir>/backup}. Closing detaches it (recording its latest restorable time) and stops it.
 */
final class LocalSnapshotSource implements AutoCloseable {
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    final LocalBackupProvider provider;
    final LocalPostgres server;
    final DatabaseRef database;

    private LocalSnapshotSource(LocalBackupProvider provider, LocalPostgres server, DatabaseRef database) {
        this.provider = provider;
        this.server = server;
        this.database = database;
    }

    /**
     * Starts (or first creates) the local database {@code id} and attaches it.
     *
     * @throws java.io.UncheckedIOException if the server cannot start
     * @throws dev.dbre.backup.ProviderException if archiving cannot be set up
     */
    static LocalSnapshotSource open(Path localDir, String id, Map<String, String> tags) {
        Path sourceDir = localDir.toAbsolutePath().normalize().resolve("source");
        Path data = sourceDir.resolve("data");
        LocalPostgres server = Files.isRegularFile(data.resolve("postgresql.conf"))
                ? LocalPostgres.startExisting(
                        data,
                        sourceDir,
                        0,
                        LocalBackupProvider.ARCHIVING,
                        sourceDir.resolve("server.log"),
                        STARTUP_WAIT)
                : LocalPostgres.start(sourceDir, 0, LocalBackupProvider.ARCHIVING);
        LocalBackupProvider provider = new LocalBackupProvider(localDir.resolve("backup"), STARTUP_WAIT);
        DatabaseRef ref = new DatabaseRef(id, LocalBackupProvider.KIND, LocalBackupProvider.REGION, tags, false);
        try {
            provider.attach(ref, server);
        } catch (RuntimeException e) {
            provider.close();
            server.close();
            throw e;
        }
        return new LocalSnapshotSource(provider, server, ref);
    }

    SnapshotProvider snapshots() {
        return provider;
    }

    @Override
    public void close() {
        try {
            provider.detach(database.id());
        } finally {
            provider.close();
            server.close();
        }
    }
}
