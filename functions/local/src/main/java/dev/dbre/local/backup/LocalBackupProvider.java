package dev.dbre.local.backup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Sleeper;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotRef;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.restore.RestoredTags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots and point-in-time restore of embedded PostgreSQL servers, with PostgreSQL's own
 * machinery (continuous archiving and point-in-time recovery):
 *
 * <ul>
 *   <li>a source is {@linkplain #attach attached}: its server runs with {@link #ARCHIVING} and gets
 *       an {@code archive_command} copying every finished WAL segment into {@code
 *       sources/<id>/wal};
 *   <li>a snapshot is a base backup: {@code pg_backup_start}, a file copy with a CRC-32C per file,
 *       {@code pg_backup_stop} (its label file written as {@code backup_label}), in {@code
 *       snapshots/<region>/<id>} with a {@code manifest.json};
 *   <li>the restore window is [the earliest backup's stop time, the latest archived commit]: a
 *       marker transaction is committed and its WAL segment switched out and archived, so the
 *       latest time is exact, and recovery to it always finds a commit past the target;
 *   <li>a restore copies the newest backup that ended at or before the target (checking every
 *       file), writes {@code restore_command}, {@code recovery_target_time}, {@code
 *       recovery_target_action = 'promote'} and {@code recovery.signal}, and starts it as a new
 *       server on its own port (127.0.0.1) under {@code restores/<name>};
 *   <li>a restore from a snapshot copies that base backup (a copy's, in its region's folder) and
 *       recovers with {@code recovery_target = 'immediate'}: only the WAL written during the backup
 *       is replayed, up to its consistent point, so the server holds the rows of the snapshot's
 *       time and nothing committed after it.
 * </ul>
 *
 * Everything lives under one base folder and is described by small JSON files, so a later process
 * can restore from a source that no longer runs and resume or delete a restored server.
 *
 * <p>Every method may throw {@link ProviderException}; a restore that cannot succeed (no backup, a
 * corrupt backup, a server that will not start) is non-retryable, an archiver that is slow is.
 */
public final class LocalBackupProvider implements SnapshotProvider, RestoreProvider, AutoCloseable {
    /** The settings a source server must start with (they need a restart, so cannot be set later). */
    public static final Map<String, String> ARCHIVING = Map.of("wal_level", "replica", "archive_mode", "on");

    public static final String KIND = "local";
    public static final String REGION = "local";

    /** Identifiers become folder names: no separators, no dots in front. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private static final Duration ARCHIVE_WAIT = Duration.ofSeconds(60);
    private static final Duration ARCHIVE_POLL = Duration.ofMillis(50);

    private final Path base;
    private final Duration startupWait;
    private final Sleeper sleeper;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, LocalPostgres> sources = new ConcurrentHashMap<>();
    private final Map<String, LocalPostgres> restored = new ConcurrentHashMap<>();

    /**
     * @param baseDir the folder holding sources' archived WAL, snapshots and restored servers
     * @param startupWait how long a restored server may take to accept connections (replay up to
     *     the backup's consistent point)
     */
    public LocalBackupProvider(Path baseDir, Duration startupWait) {
        this(baseDir, startupWait, Sleeper.SYSTEM);
    }

    /** @param sleeper waits for the archiver (tests pass one that does not really sleep) */
    public LocalBackupProvider(Path baseDir, Duration startupWait, Sleeper sleeper) {
        this.base = baseDir.toAbsolutePath().normalize();
        this.startupWait = startupWait;
        this.sleeper = sleeper;
    }

    public Path baseDir() {
        return base;
    }

    // ---------------------------------------------------------------- sources

    /**
     * Makes {@code server} a source: its WAL is archived into this provider's folder from now on.
     *
     * @param server started with {@link #ARCHIVING} among its settings
     * @throws ProviderException "ArchivingOff" if the server was started without archive_mode
     */
    public synchronized void attach(DatabaseRef ref, LocalPostgres server) {
        checkName("database id", ref.id());
        Path wal = walDir(ref.id());
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            Files.createDirectories(wal);
            if (!"on".equals(show(s, "archive_mode"))) {
                throw new ProviderException(
                        ProviderError.INVALID_STATE,
                        "ArchivingOff",
                        "the server of " + ref.id() + " runs without archive_mode=on; start it with"
                                + " LocalBackupProvider.ARCHIVING",
                        null);
            }
            // Not through pg_ctl's command line: that splits values at spaces.
            s.execute("alter system set archive_command = "
                    + ShellCommands.sqlLiteral(ShellCommands.archiveCommand(wal)));
            s.execute("select pg_reload_conf()");
            SourceRecord previous = readSource(ref.id()).orElse(null);
            writeJson(
                    sourceDir(ref.id()).resolve("source.json"),
                    new SourceRecord(
                            ref.id(),
                            ref.kind(),
                            ref.region(),
                            ref.tags(),
                            ref.production(),
                            previous == null ? null : previous.latest()));
        } catch (SQLException | IOException e) {
            throw failure("AttachFailed", "could not set up WAL archiving for " + ref.id(), e);
        }
        sources.put(ref.id(), server);
    }

    /**
     * Stops treating {@code id} as running: records the latest restorable time (a last marker)
     * first, so restores from its files can reach its last commit. Call before stopping its server.
     */
    public synchronized void detach(String id) {
        LocalPostgres server = sources.get(id);
        if (server != null) {
            markLatest(id, server);
            sources.remove(id);
        }
    }

    @Override
    public synchronized List<DatabaseRef> listDatabases(String region) {
        List<DatabaseRef> out = new ArrayList<>();
        for (String id : sources.keySet()) {
            readSource(id).filter(s -> s.region().equals(region)).ifPresent(s -> out.add(ref(s)));
        }
        out.sort(Comparator.comparing(DatabaseRef::id));
        return out;
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public synchronized List<Snapshot> listSnapshots(String databaseId, String region) {
        return manifests(region).stream()
                .filter(m -> m.databaseId().equals(databaseId))
                .map(BackupManifest::toSnapshot)
                .toList();
    }

    /**
     * Takes a base backup of {@code database} (synchronously: it is AVAILABLE when this returns).
     * Idempotent: a snapshot of that name that exists already is returned as it is.
     *
     * @throws ProviderException NOT_FOUND "SourceNotRunning" if the database is not attached, FAILED
     *     "BackupFailed" if the backup fails (its manifest then says FAILED, with the reason)
     */
    @Override
    public synchronized Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
        checkName("snapshot name", name);
        Path dir = snapshotDir(database.region(), name);
        Optional<BackupManifest> existing = readManifest(dir);
        if (existing.isPresent()) {
            return existing.get().toSnapshot();
        }
        LocalPostgres server = sources.get(database.id());
        if (server == null) {
            throw new ProviderException(
                    ProviderError.NOT_FOUND,
                    "SourceNotRunning",
                    "database " + database.id() + " is not attached to the local provider",
                    null);
        }
        BackupManifest m = BackupManifest.creating(name, database.id(), database.region(), null, tags);
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            Instant created = serverTime(s);
            m = BackupManifest.creating(name, database.id(), database.region(), created, tags);
            writeJson(dir.resolve("manifest.json"), m);
            String startLsn;
            String startWal;
            try (ResultSet rs = s.executeQuery("select l::text, pg_walfile_name(l), clock_timestamp()"
                    + " from pg_backup_start(" + ShellCommands.sqlLiteral(name) + ", true) as l")) {
                rs.next();
                startLsn = rs.getString(1);
                startWal = rs.getString(2);
            }
            Instant startTime = created;
            List<DataDirCopy.FileEntry> files = DataDirCopy.backup(server.dataDir(), dir.resolve("data"));
            String stopLsn;
            String label;
            String spcmap;
            // Waits until the WAL the backup needs is archived: bounded, an archiver that keeps
            // failing would otherwise hold this call forever.
            s.execute("set statement_timeout = " + ARCHIVE_WAIT.toMillis());
            try (ResultSet rs = s.executeQuery("select lsn::text, labelfile, spcmapfile from pg_backup_stop(true)")) {
                rs.next();
                stopLsn = rs.getString(1);
                label = rs.getString(2);
                spcmap = rs.getString(3);
            }
            Instant stopTime = serverTime(s);
            Files.writeString(dir.resolve("data").resolve("backup_label"), label, StandardCharsets.UTF_8);
            files.add(entryOf(dir.resolve("data"), "backup_label"));
            if (spcmap != null && !spcmap.isEmpty()) {
                Files.writeString(dir.resolve("data").resolve("tablespace_map"), spcmap, StandardCharsets.UTF_8);
                files.add(entryOf(dir.resolve("data"), "tablespace_map"));
            }
            writeJson(dir.resolve("files.json"), files);
            long size = files.stream().mapToLong(DataDirCopy.FileEntry::size).sum();
            m = m.finished(size, startLsn, stopLsn, startTime, stopTime, startWal);
            writeJson(dir.resolve("manifest.json"), m);
        } catch (SQLException | IOException | RuntimeException e) {
            writeQuietly(dir.resolve("manifest.json"), m.failed(String.valueOf(e.getMessage())));
            throw failure("BackupFailed", "base backup " + name + " of " + database.id() + " failed", e);
        }
        // Records a restorable time after the backup's end, so the window opens at once.
        markLatest(database.id(), server);
        return m.toSnapshot();
    }

    /** Copies the snapshot's folder to {@code targetRegion}'s; the KMS key has no local meaning. */
    @Override
    public synchronized Snapshot copySnapshot(
            Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
        checkName("snapshot name", name);
        checkName("region", targetRegion);
        Path to = snapshotDir(targetRegion, name);
        Optional<BackupManifest> existing = readManifest(to);
        if (existing.isPresent()) {
            return existing.get().toSnapshot();
        }
        Path from = snapshotDir(source.region(), source.id());
        BackupManifest m = readManifest(from)
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND,
                        "SnapshotNotFound",
                        "no snapshot " + source.id() + " in " + source.region(),
                        null));
        try {
            Path tmp = to.resolveSibling(name + ".copying");
            DataDirCopy.deleteTree(tmp);
            copyTree(from, tmp);
            BackupManifest copy = new BackupManifest(
                    name,
                    m.databaseId(),
                    targetRegion,
                    m.createdAt(),
                    m.status(),
                    tags,
                    m.sizeBytes(),
                    m.startLsn(),
                    m.stopLsn(),
                    m.startTime(),
                    m.stopTime(),
                    m.startWal(),
                    source.region() + "/" + source.id(),
                    m.failure());
            writeJson(tmp.resolve("manifest.json"), copy);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
            return copy.toSnapshot();
        } catch (IOException e) {
            throw failure("CopyFailed", "copy of " + source.id() + " to " + targetRegion + " failed", e);
        }
    }

    /** Local snapshots have no accounts to share with: nothing to do. */
    @Override
    public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {}

    @Override
    public synchronized void deleteSnapshot(Snapshot snapshot) {
        try {
            DataDirCopy.deleteTree(snapshotDir(snapshot.region(), snapshot.id()));
        } catch (IOException e) {
            throw failure("DeleteFailed", "could not delete snapshot " + snapshot.id(), e);
        }
    }

    // ---------------------------------------------------------------- restore

    /**
     * The source and its window; empty if no such database. The window is null while the source
     * has no completed backup (nothing to restore from yet).
     */
    @Override
    public synchronized Optional<RestoreSource> describeSource(String sourceId) {
        if (!NAME.matcher(sourceId).matches()) {
            return Optional.empty();
        }
        Optional<SourceRecord> rec = readSource(sourceId);
        if (rec.isEmpty()) {
            return Optional.empty();
        }
        SourceRecord s = rec.get();
        Optional<Instant> earliest =
                restorableBackups(s).stream().map(BackupManifest::stopTime).min(Comparator.naturalOrder());
        if (earliest.isEmpty()) {
            return Optional.of(new RestoreSource(ref(s), null));
        }
        LocalPostgres live = sources.get(sourceId);
        Instant latest = live != null ? markLatest(sourceId, live) : s.latest();
        if (latest == null || latest.isBefore(earliest.get())) {
            return Optional.of(new RestoreSource(ref(s), null));
        }
        return Optional.of(new RestoreSource(ref(s), new RestoreWindow(earliest.get(), latest)));
    }

    @Override
    public boolean nameTaken(String name) {
        return Files.exists(restoreDir(name)) || Files.exists(sourceDir(name));
    }

    /**
     * Copies the newest backup that ended at or before {@code targetTime}, configures recovery and
     * starts the server (it accepts connections once consistent; replay goes on in the background).
     * Idempotent: a restore of {@code newName} by the same run resumes (starts its server again if
     * this process has not). The run id is kept in {@code restore.json}.
     *
     * @throws ProviderException ALREADY_EXISTS "NameTaken" if {@code newName} holds a restore of
     *     another run (or any other files), INVALID_STATE "NoBaseBackup", FAILED "BackupCorrupt" (a
     *     file does not match the backup's list) or "StartFailed" (with the server's FATAL line)
     */
    @Override
    public synchronized String startRestore(
            UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
        checkName("new name", newName);
        Instant target = targetTime == null ? null : targetTime.truncatedTo(ChronoUnit.MICROS);
        if (resumed(runId, newName)) {
            return null;
        }
        SourceRecord source = readSource(sourceId)
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND, "SourceNotFound", "no local database " + sourceId, null));
        BackupManifest backup = restorableBackups(source).stream()
                .filter(m -> target == null || !m.stopTime().isAfter(target))
                .max(Comparator.comparing(BackupManifest::stopTime))
                .orElseThrow(() -> new ProviderException(
                        ProviderError.INVALID_STATE,
                        "NoBaseBackup",
                        "no completed backup of " + sourceId + " ended at or before "
                                + (target == null ? "now" : target),
                        null));
        restoreBackup(runId, sourceId, backup, target, false, newName);
        return null;
    }

    /** The snapshots of {@code sourceId} in {@code region} (null: {@value #REGION}). */
    @Override
    public synchronized List<Snapshot> snapshotsOf(String sourceId, String region) {
        return listSnapshots(sourceId, region == null ? REGION : region);
    }

    /**
     * Copies the base backup {@code snapshot} (checking every file) and recovers it to its
     * consistent point only ({@code recovery_target = 'immediate'}: the WAL written while the
     * backup ran, from the source's archive), then starts it as a new server. Idempotent per run as
     * {@link #startRestore}.
     *
     * @throws ProviderException NOT_FOUND "SnapshotNotFound" when there is no such snapshot of the
     *     source in its region, INVALID_STATE "SnapshotNotAvailable" when it did not complete, and
     *     the failures of {@link #startRestore}
     */
    @Override
    public synchronized String startRestoreFromSnapshot(
            UUID runId, SnapshotRef snapshot, String newName, Map<String, Object> overrides) {
        checkName("new name", newName);
        checkName("snapshot id", snapshot.id());
        checkName("region", snapshot.region());
        if (resumed(runId, newName)) {
            return null;
        }
        BackupManifest backup = readManifest(snapshotDir(snapshot.region(), snapshot.id()))
                .filter(m -> m.databaseId().equals(snapshot.databaseId()))
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND,
                        "SnapshotNotFound",
                        "no snapshot " + snapshot.id() + " of " + snapshot.databaseId() + " in " + snapshot.region(),
                        null));
        if (backup.status() != SnapshotStatus.AVAILABLE || backup.stopTime() == null) {
            throw new ProviderException(
                    ProviderError.INVALID_STATE,
                    "SnapshotNotAvailable",
                    "snapshot " + snapshot.id() + " is " + backup.status() + ", not completed",
                    null);
        }
        restoreBackup(runId, snapshot.databaseId(), backup, null, true, newName);
        return null;
    }

    /**
     * True when run {@code runId}'s restore of {@code newName} exists and was started (again, if this
     * process had not): a repeated start. False when the name is free or its copy stopped half-way.
     *
     * @throws ProviderException ALREADY_EXISTS "NameTaken" when the name holds anything else
     */
    private boolean resumed(UUID runId, String newName) {
        Path dir = restoreDir(newName);
        Optional<RestoreRecord> existing = readRestore(newName);
        if (existing.isPresent()) {
            RestoreRecord r = existing.get();
            if (!r.createdBy(runId)) {
                throw RestoredTags.nameTaken(newName, runId, "runId in restore.json");
            }
            if (RestoreRecord.STARTED.equals(r.status())) {
                ensureRunning(r);
                return true;
            }
            if (RestoreRecord.FAILED.equals(r.status())) {
                throw new ProviderException(ProviderError.FAILED, "RestoreFailed", r.failure(), null);
            }
            return false; // COPYING: a previous process stopped half-way; start the copy again.
        }
        if (Files.exists(dir) || Files.exists(sourceDir(newName))) {
            throw RestoredTags.nameTaken(newName, runId, "runId in restore.json");
        }
        return false;
    }

    /**
     * Copies {@code backup} into {@code restores/<newName>}, writes the recovery settings (to {@code
     * target}, the latest archived WAL when null, or only to the backup's consistent point when
     * {@code immediate}) and starts the server.
     */
    private void restoreBackup(
            UUID runId, String sourceId, BackupManifest backup, Instant target, boolean immediate, String newName) {
        Path dir = restoreDir(newName);
        RestoreRecord rec = new RestoreRecord(
                newName, sourceId, backup.id(), target, RestoreRecord.COPYING, 0, null, runId, immediate);
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(dir);
            writeJson(dir.resolve("restore.json"), rec);
            DataDirCopy.deleteTree(data);
            Path backupDir = snapshotDir(backup.region(), backup.id());
            List<DataDirCopy.FileEntry> files =
                    json.readValue(backupDir.resolve("files.json").toFile(), new TypeReference<>() {});
            DataDirCopy.restore(backupDir.resolve("data"), data, files);
            writeRecoveryConfig(data, walDir(sourceId), target, immediate);
        } catch (IOException e) {
            String reason = (e instanceof DataDirCopy.CorruptBackupException ? "" : "copy failed: ") + e.getMessage();
            writeQuietly(dir.resolve("restore.json"), rec.with(RestoreRecord.FAILED, 0, reason));
            throw new ProviderException(
                    ProviderError.FAILED,
                    e instanceof DataDirCopy.CorruptBackupException ? "BackupCorrupt" : "RestoreFailed",
                    reason,
                    e);
        }
        start(rec);
    }

    /**
     * RESTORING while the server replays WAL, AVAILABLE once recovery ended and it was promoted,
     * FAILED (with the server's FATAL line) if it stopped or never started, or if the restore with
     * the name is not the run's (then it is left as it is).
     */
    @Override
    public synchronized RestoreProgress progress(RestoreTarget target) {
        String newName = target.newName();
        Optional<RestoreRecord> rec = readRestore(newName);
        if (rec.isEmpty()) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, "no restore named " + newName);
        }
        RestoreRecord r = rec.get();
        if (!r.createdBy(target.runId())) {
            return RestoredTags.notOurs(newName, target.runId(), "runId in restore.json");
        }
        if (RestoreRecord.FAILED.equals(r.status())) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, r.failure());
        }
        if (RestoreRecord.COPYING.equals(r.status())) {
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "copying the base backup");
        }
        LocalPostgres server;
        try {
            server = ensureRunning(r);
        } catch (ProviderException e) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, e.getMessage());
        }
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1)
                    ? new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "replaying archived WAL")
                    : new RestoreProgress(RestoreProgress.State.AVAILABLE, "127.0.0.1", server.port(), "recovered");
        } catch (SQLException e) {
            String fatal = lastFatal(restoreDir(newName).resolve("server.log"), 0);
            if (fatal != null && !Files.exists(server.dataDir().resolve("postmaster.pid"))) {
                restored.remove(newName);
                writeQuietly(restoreDir(newName).resolve("restore.json"), r.with(RestoreRecord.FAILED, 0, fatal));
                return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, fatal);
            }
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "server not answering yet");
        }
    }

    @Override
    public ConnectionFactory connect(String newName, String database) {
        RestoreRecord r = readRestore(newName)
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND, "NotFound", "no restore named " + newName, null));
        LocalPostgres server = ensureRunning(r);
        return JdbcConnectionFactory.of(server.jdbcUrl(database), "postgres", null);
    }

    /**
     * Stops the restored server and removes its files, if the run created it; a name already gone is
     * ABSENT, files of another run's restore (or without a record) are NOT_OURS and stay.
     */
    @Override
    public synchronized Deletion delete(RestoreTarget target) {
        String newName = target.newName();
        checkName("new name", newName);
        Path dir = restoreDir(newName);
        if (!Files.exists(dir)) {
            return Deletion.ABSENT;
        }
        Optional<RestoreRecord> rec = readRestore(newName);
        if (rec.isEmpty() || !rec.get().createdBy(target.runId())) {
            return Deletion.NOT_OURS;
        }
        LocalPostgres server = restored.remove(newName);
        if (server != null) {
            server.close();
        }
        try {
            DataDirCopy.deleteTree(dir);
        } catch (IOException e) {
            throw failure("DeleteFailed", "could not remove the files of " + newName, e);
        }
        return Deletion.DELETED;
    }

    /**
     * The run that restored {@code newName}, from its {@code restore.json}: what an operator's delete
     * by name ({@code dbre restores delete}) passes as its target's run id.
     */
    public Optional<UUID> restoredBy(String newName) {
        checkName("new name", newName);
        return readRestore(newName).map(RestoreRecord::runId);
    }

    /** The port of a running restored server, if this process runs it. */
    public Optional<Integer> runningPort(String newName) {
        return Optional.ofNullable(restored.get(newName)).map(LocalPostgres::port);
    }

    /** Stops the restored servers this process started (their files stay: a later process resumes them). */
    @Override
    public synchronized void close() {
        for (LocalPostgres p : restored.values()) {
            p.close();
        }
        restored.clear();
    }

    // ---------------------------------------------------------------- internals

    /**
     * Commits a marker transaction, switches its WAL segment out and waits until it is archived:
     * every commit up to the returned time is then in the archive, and recovery to it finds a
     * commit past it (PostgreSQL 13+ refuses a target it never passes).
     */
    private Instant markLatest(String id, LocalPostgres server) {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            Instant t;
            try (ResultSet rs = s.executeQuery("select clock_timestamp(), pg_current_xact_id()")) {
                rs.next();
                t = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
            c.commit();
            c.setAutoCommit(true);
            String segment;
            try (ResultSet rs = s.executeQuery("select pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                segment = rs.getString(1);
            }
            waitForArchive(id, s, segment);
            SourceRecord rec =
                    readSource(id).orElseThrow(() -> new IllegalStateException("source.json of " + id + " is missing"));
            writeJson(sourceDir(id).resolve("source.json"), rec.withLatest(t));
            return t;
        } catch (SQLException | IOException e) {
            throw failure("ArchiveFailed", "could not archive the latest WAL of " + id, e);
        }
    }

    private void waitForArchive(String id, Statement s, String segment) throws SQLException {
        Path file = walDir(id).resolve(segment);
        boolean archived;
        try {
            archived = sleeper.until(() -> Files.exists(file), ARCHIVE_WAIT, ARCHIVE_POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(
                    ProviderError.UNAVAILABLE, "Interrupted", "interrupted while waiting for the archiver", e);
        }
        if (!archived) {
            String last;
            try (ResultSet rs = s.executeQuery("select coalesce(last_failed_wal, '-') || ' failed '"
                    + " || failed_count || ' time(s)' from pg_stat_archiver")) {
                rs.next();
                last = rs.getString(1);
            }
            throw new ProviderException(
                    ProviderError.BUSY,
                    "ArchiveTimeout",
                    "WAL segment " + segment + " of " + id + " not archived after " + ARCHIVE_WAIT.toSeconds()
                            + " s (archiver: " + last + ")",
                    null);
        }
    }

    private static void writeRecoveryConfig(Path data, Path wal, Instant target, boolean immediate) throws IOException {
        Path auto = data.resolve("postgresql.auto.conf");
        List<String> lines = new ArrayList<>();
        if (Files.exists(auto)) {
            for (String line : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
                String t = line.trim();
                // The source's archiving must not follow the copy: it would write into the source's archive.
                if (!t.startsWith("archive_") && !t.startsWith("restore_command") && !t.startsWith("recovery_")) {
                    lines.add(line);
                }
            }
        }
        lines.add("# written by dbre's local restore");
        lines.add("archive_mode = 'off'");
        lines.add("restore_command = " + ShellCommands.sqlLiteral(ShellCommands.restoreCommand(wal)));
        if (immediate) {
            // The base backup alone: recovery ends as soon as the backup is consistent.
            lines.add("recovery_target = 'immediate'");
        } else if (target != null) {
            lines.add("recovery_target_time = " + ShellCommands.sqlLiteral(pgTimestamp(target)));
        }
        lines.add("recovery_target_action = 'promote'");
        Files.write(auto, lines, StandardCharsets.UTF_8);
        Files.writeString(data.resolve("recovery.signal"), "");
    }

    /** '2026-11-23 22:43:01.123456+00': PostgreSQL's own timestamptz text, exact to the microsecond. */
    static String pgTimestamp(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(t)
                + "+00";
    }

    private void start(RestoreRecord rec) {
        Path dir = restoreDir(rec.name());
        Path log = dir.resolve("server.log");
        long logOffset = sizeOf(log);
        try {
            LocalPostgres server = startWatching(rec, dir.resolve("data"), log, logOffset);
            restored.put(rec.name(), server);
            writeJson(dir.resolve("restore.json"), rec.with(RestoreRecord.STARTED, server.port(), null));
        } catch (RuntimeException | IOException e) {
            String fatal = lastFatal(log, logOffset);
            String reason = "the restored server did not start: " + (fatal != null ? fatal : e.getMessage());
            writeQuietly(dir.resolve("restore.json"), rec.with(RestoreRecord.FAILED, 0, reason));
            throw new ProviderException(ProviderError.FAILED, "StartFailed", reason, e);
        }
    }

    /**
     * Starts the server in a helper thread and watches its log: zonky waits the whole startup
     * time for a server that has already exited, so a FATAL line with no postmaster.pid left ends
     * the wait at once.
     */
    private LocalPostgres startWatching(RestoreRecord rec, Path data, Path log, long logOffset) {
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dbre-restore-start-" + rec.name());
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.Future<LocalPostgres> f = ex.submit(() ->
                    LocalPostgres.startExisting(data, base.resolve("run"), rec.port(), Map.of(), log, startupWait));
            while (true) {
                try {
                    return f.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    String fatal = lastFatal(log, logOffset);
                    if (fatal != null && !Files.exists(data.resolve("postmaster.pid"))) {
                        f.cancel(true);
                        throw new IllegalStateException(fatal);
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    f.cancel(true);
                    throw new ProviderException(
                            ProviderError.UNAVAILABLE, "Interrupted", "interrupted while starting " + rec.name(), e);
                }
            }
        } finally {
            ex.shutdown();
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private LocalPostgres ensureRunning(RestoreRecord r) {
        LocalPostgres server = restored.get(r.name());
        if (server != null) {
            return server;
        }
        if (!RestoreRecord.STARTED.equals(r.status())) {
            throw new ProviderException(
                    ProviderError.INVALID_STATE, "NotStarted", "restore " + r.name() + " is " + r.status(), null);
        }
        // Started by an earlier process (whose exit stopped it): start it again where it was.
        start(r);
        return restored.get(r.name());
    }

    /**
     * The last FATAL or PANIC line of a server log written after {@code offset}, or null. Lines
     * about a client connecting too early ("the database system is starting up") are not the
     * server's own failure and are skipped.
     */
    static String lastFatal(Path log, long offset) {
        if (!Files.exists(log)) {
            return null;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return null;
            }
            byte[] tail = new byte[(int) Math.min(length - offset, 1 << 20)];
            f.seek(length - tail.length);
            f.readFully(tail);
            String last = null;
            for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
                int at = line.indexOf("FATAL:");
                if (at < 0) {
                    at = line.indexOf("PANIC:");
                }
                if (at >= 0 && !line.contains("is starting up") && !line.contains("not yet accepting connections")) {
                    last = line.substring(at).trim();
                }
            }
            return last;
        } catch (IOException e) {
            return null;
        }
    }

    private List<BackupManifest> restorableBackups(SourceRecord s) {
        return manifests(s.region()).stream()
                .filter(m -> m.databaseId().equals(s.id()) && m.status() == SnapshotStatus.AVAILABLE)
                .filter(m -> m.stopTime() != null)
                .toList();
    }

    private List<BackupManifest> manifests(String region) {
        Path dir = base.resolve("snapshots").resolve(region);
        if (!NAME.matcher(region).matches() || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.sorted()
                    .map(this::readManifest)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw failure("ListFailed", "could not list " + dir, e);
        }
    }

    private Optional<BackupManifest> readManifest(Path snapshotDir) {
        return readJson(snapshotDir.resolve("manifest.json"), BackupManifest.class);
    }

    private Optional<SourceRecord> readSource(String id) {
        return readJson(sourceDir(id).resolve("source.json"), SourceRecord.class);
    }

    private Optional<RestoreRecord> readRestore(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return readJson(restoreDir(name).resolve("restore.json"), RestoreRecord.class);
    }

    private <T> Optional<T> readJson(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), type));
        } catch (IOException e) {
            throw failure("BadMetadata", "cannot read " + file, e);
        }
    }

    /** Written to a temporary file and moved: a reader never sees half a file. */
    private void writeJson(Path file, Object value) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        json.writeValue(tmp.toFile(), value);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeQuietly(Path file, Object value) {
        try {
            writeJson(file, value);
        } catch (IOException e) {
            // Already failing: the exception thrown carries the reason.
        }
    }

    private static DataDirCopy.FileEntry entryOf(Path data, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(data.resolve(name));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return new DataDirCopy.FileEntry(
                name, bytes.length, java.util.HexFormat.of().toHexDigits((int) crc.getValue()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static DatabaseRef ref(SourceRecord s) {
        return new DatabaseRef(s.id(), s.kind(), s.region(), s.tags(), s.production());
    }

    private static Instant serverTime(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("select current_setting(" + ShellCommands.sqlLiteral(setting) + ")")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void checkName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new ProviderException(
                    ProviderError.INVALID_REQUEST,
                    "InvalidName",
                    what + " '" + value + "' must be 1 to 63 letters, digits, '_', '.', '-', starting with a letter"
                            + " or digit",
                    null);
        }
    }

    private static ProviderException failure(String code, String message, Exception cause) {
        if (cause instanceof ProviderException p) {
            return p;
        }
        return new ProviderException(ProviderError.FAILED, code, message + ": " + cause.getMessage(), cause);
    }

    private Path sourceDir(String id) {
        return base.resolve("sources").resolve(id);
    }

    private Path walDir(String id) {
        return sourceDir(id).resolve("wal");
    }

    private Path snapshotDir(String region, String id) {
        return base.resolve("snapshots").resolve(region).resolve(id);
    }

    private Path restoreDir(String name) {
        return base.resolve("restores").resolve(name);
    }
}
