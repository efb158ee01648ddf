package dev.dbre.local;

import dev.dbre.embedded.LocalPostgres;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.SnapshotProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local runtime's database for {@code dbre snapshot}: an embedded PostgreSQL whose data
 * directory lives under {@code <home>/source/data} (made on first use, started again on later ones,
 * never wiped: one timeline, so its WAL segments continue the ones already archived) with WAL
 * archiving, attached to the {@link LocalBackupProvider} under {@code <home>/backup}. One command at
 * a time uses it (a lock file); closing detaches it (recording its latest restorable time) and stops
 * it.
 */
final class LocalSnapshotSource implements AutoCloseable {
    final LocalBackupProvider provider;
    final LocalPostgres server;
    final DatabaseRef database;
    private final FileLock lock;

    private LocalSnapshotSource(
            LocalBackupProvider provider, LocalPostgres server, DatabaseRef database, FileLock lock) {
        this.provider = provider;
        this.server = server;
        this.database = database;
        this.lock = lock;
    }

    /**
     * Starts (or first makes) the local database {@code id} and attaches it.
     *
     * @param notes where first use and repairs are reported
     * @throws IllegalStateException if another command holds the folder, or a new database would
     *     have to continue the WAL archive of an earlier one that is gone
     * @throws UncheckedIOException if the server cannot start
     * @throws dev.dbre.port.ProviderException if archiving cannot be set up
     */
    static LocalSnapshotSource open(Path home, String id, Map<String, String> tags, PrintStream notes) {
        Path sourceDir = home.resolve("source");
        FileLock lock = lock(home.resolve("snapshot.lock"));
        LocalBackupProvider provider = new LocalBackupProvider(Home.backupDir(home), KeptPostgres.STARTUP_WAIT);
        LocalPostgres server = null;
        try {
            Path archive = provider.baseDir().resolve("sources").resolve(id).resolve("wal");
            if (!Files.isRegularFile(sourceDir.resolve("data").resolve("PG_VERSION")) && hasFiles(archive)) {
                throw new IllegalStateException("the WAL archive " + archive + " belongs to an earlier local database "
                        + id + " whose data directory " + sourceDir.resolve("data") + " is gone: a new database"
                        + " cannot continue it (restores from it still work); use another --source, or another"
                        + " --home");
            }
            server = KeptPostgres.open(sourceDir, LocalBackupProvider.ARCHIVING, s -> {}, notes);
            DatabaseRef ref = new DatabaseRef(id, LocalBackupProvider.KIND, LocalBackupProvider.REGION, tags, false);
            provider.attach(ref, server);
            return new LocalSnapshotSource(provider, server, ref, lock);
        } catch (RuntimeException e) {
            provider.close();
            if (server != null) {
                server.close();
            }
            release(lock);
            throw e;
        }
    }

    /** A view for {@code --dry-run}: lists what is there, starts nothing, changes nothing. */
    static SnapshotProvider readOnly(Path home, DatabaseRef database) {
        return new DryRunProvider(new LocalBackupProvider(Home.backupDir(home), KeptPostgres.STARTUP_WAIT), database);
    }

    SnapshotProvider snapshots() {
        return provider;
    }

    @Override
    public void close() {
        try {
            provider.detach(database.id());
        } finally {
            try {
                provider.close();
                server.close();
            } finally {
                release(lock);
            }
        }
    }

    private static FileLock lock(Path file) {
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new IllegalStateException("another dbre snapshot is using " + file.getParent() + " (it holds "
                        + file + "); wait for it to end");
            }
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException("could not lock " + file, e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }

    private static boolean hasFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    /** The local provider for a dry run: its database is the one the options name, started or not. */
    private record DryRunProvider(LocalBackupProvider files, DatabaseRef database) implements SnapshotProvider {
        @Override
        public java.util.List<DatabaseRef> listDatabases(String region) {
            return database.region().equals(region) ? java.util.List.of(database) : java.util.List.of();
        }

        @Override
        public java.util.List<dev.dbre.port.Snapshot> listSnapshots(String databaseId, String region) {
            return files.listSnapshots(databaseId, region);
        }

        @Override
        public dev.dbre.port.Snapshot createSnapshot(DatabaseRef db, String name, Map<String, String> tags) {
            throw changes();
        }

        @Override
        public dev.dbre.port.Snapshot copySnapshot(
                dev.dbre.port.Snapshot source,
                String targetRegion,
                String kmsKeyId,
                String name,
                Map<String, String> tags) {
            throw changes();
        }

        @Override
        public void shareSnapshot(dev.dbre.port.Snapshot snapshot, java.util.List<String> accountIds) {
            throw changes();
        }

        @Override
        public void deleteSnapshot(dev.dbre.port.Snapshot snapshot) {
            throw changes();
        }

        private static IllegalStateException changes() {
            return new IllegalStateException("a dry run changes nothing");
        }
    }
}
