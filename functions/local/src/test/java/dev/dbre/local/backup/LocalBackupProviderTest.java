package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.embedded.LocalPostgres;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalBackupProviderTest {
    static LocalSource src;
    static Snapshot first;
    static Instant between;

    @BeforeAll
    static void history() throws Exception {
        src = LocalSource.start("pg-main", false);
        src.execute("create table items (id int primary key, at text)");
        first = src.provider.createSnapshot(src.ref, "s1", Map.of("dbre:managed-by", "dbre"));
        src.execute("insert into items select g, 'T1' from generate_series(1, 10) g");
        between = src.now();
        src.execute("insert into items select g, 'T2' from generate_series(11, 15) g");
        src.provider.createSnapshot(src.ref, "s2", Map.of());
    }

    @AfterAll
    static void stop() {
        src.close();
    }

    @Test
    void snapshot_isABaseBackupWithManifest_andCreatingItAgainReturnsIt() throws Exception {
        assertThat(first.status()).isEqualTo(SnapshotStatus.AVAILABLE);
        assertThat(first.sizeBytes()).isPositive();
        Path dir = src.provider.baseDir().resolve("snapshots/local/s1");
        assertThat(Files.readString(dir.resolve("data/backup_label"))).contains("START WAL LOCATION");
        assertThat(dir.resolve("data/postmaster.pid")).doesNotExist();
        try (Stream<Path> wal = Files.list(dir.resolve("data/pg_wal"))) {
            assertThat(wal.map(p -> p.getFileName().toString())).containsExactly("archive_status");
        }
        assertThat(Files.readString(dir.resolve("manifest.json"))).contains("\"stopLsn\"", "\"startWal\"");
        Snapshot again = src.provider.createSnapshot(src.ref, "s1", Map.of());
        assertThat(again).isEqualTo(first);
        assertThat(src.provider.listSnapshots("pg-main", "local"))
                .extracting(Snapshot::id)
                .containsExactly("s1", "s2");
    }

    @Test
    void window_opensAtTheFirstBackupsEnd_andReachesTheLastCommit() throws Exception {
        RestoreSource s = src.provider.describeSource("pg-main").orElseThrow();
        Instant before = src.now();
        assertThat(s.window().earliest()).isBefore(between);
        assertThat(s.window().latest()).isAfter(between);
        RestoreSource later = src.provider.describeSource("pg-main").orElseThrow();
        assertThat(later.window().latest()).isAfter(before);
        assertThat(src.provider.describeSource("nope")).isEmpty();
    }

    @Test
    void restoreToATimeBetween_holdsTheFirstRowsOnly_andOnlyItsRunAdoptsOrDeletesIt() throws Exception {
        UUID run = UUID.randomUUID();
        RestoreTarget mine = new RestoreTarget(run, "r-between", null);
        RestoreTarget other = new RestoreTarget(UUID.randomUUID(), "r-between", null);
        src.provider.startRestore(run, "pg-main", between, "r-between", Map.of());
        RestoreProgress p = await(mine);
        assertThat(p.state()).as(p.detail()).isEqualTo(RestoreProgress.State.AVAILABLE);
        try (Connection c = src.provider.connect("r-between", "postgres").open();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*), count(*) filter (where at = 'T2') from items")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(10);
            assertThat(rs.getInt(2)).isZero();
        }
        assertThat(src.provider.nameTaken("r-between")).isTrue();
        // A repeated start of the same run resumes; another run with the name is refused, gets
        // FAILED from progress, and cannot delete it.
        assertThat(src.provider.startRestore(run, "pg-main", between, "r-between", Map.of()))
                .isNull();
        assertThatThrownBy(() -> src.provider.startRestore(other.runId(), "pg-main", between, "r-between", Map.of()))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.code()).isEqualTo("NameTaken"))
                .hasMessageContaining("left alone");
        assertThat(src.provider.progress(other).state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(src.provider.progress(other).detail()).contains("not this run's");
        assertThat(src.provider.delete(other)).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(src.provider.progress(mine).state()).isEqualTo(RestoreProgress.State.AVAILABLE);

        assertThat(src.provider.delete(mine)).isEqualTo(RestoreProvider.Deletion.DELETED);
        assertThat(src.provider.baseDir().resolve("restores/r-between")).doesNotExist();
        assertThat(src.provider.nameTaken("r-between")).isFalse();
        assertThat(src.provider.delete(mine)).isEqualTo(RestoreProvider.Deletion.ABSENT);
    }

    @Test
    void filesUnderARestoreNameWithoutARunId_areNotAdoptedNorDeleted() throws Exception {
        Path dir = src.provider.baseDir().resolve("restores/r-handmade");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "someone else's");
        UUID run = UUID.randomUUID();

        assertThatThrownBy(() -> src.provider.startRestore(run, "pg-main", between, "r-handmade", Map.of()))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.code()).isEqualTo("NameTaken"));
        assertThat(src.provider.delete(new RestoreTarget(run, "r-handmade", null)))
                .isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(dir.resolve("notes.txt")).exists();
    }

    @Test
    void corruptBackup_failsTheRestore_namingTheFile() throws Exception {
        src.provider.createSnapshot(src.ref, "s-corrupt", Map.of());
        Path pgControl = src.provider.baseDir().resolve("snapshots/local/s-corrupt/data/global/pg_control");
        try (RandomAccessFile f = new RandomAccessFile(pgControl.toFile(), "rw")) {
            f.seek(20);
            int b = f.read();
            f.seek(20);
            f.write(b ^ 0xFF);
        }
        Instant after =
                src.provider.describeSource("pg-main").orElseThrow().window().latest();
        UUID run = UUID.randomUUID();
        assertThatThrownBy(() -> src.provider.startRestore(run, "pg-main", after, "r-corrupt", Map.of()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("global/pg_control is corrupt");
        assertThat(src.provider
                        .progress(new RestoreTarget(run, "r-corrupt", null))
                        .state())
                .isEqualTo(RestoreProgress.State.FAILED);
        src.provider.deleteSnapshot(src.provider.listSnapshots("pg-main", "local").stream()
                .filter(x -> x.id().equals("s-corrupt"))
                .findFirst()
                .orElseThrow());
        assertThat(src.provider.listSnapshots("pg-main", "local"))
                .extracting(Snapshot::id)
                .containsExactly("s1", "s2");
    }

    @Test
    void serverWithoutArchiving_cannotBeAttached() {
        LocalBackupProvider other =
                new LocalBackupProvider(src.provider.baseDir().resolveSibling("other"), null);
        try (dev.dbre.embedded.LocalPostgres plain =
                dev.dbre.embedded.LocalPostgres.start(src.provider.baseDir().resolveSibling("plain"), 0, Map.of())) {
            assertThatThrownBy(() -> other.attach(
                            new dev.dbre.port.DatabaseRef("plain", "local", "local", Map.of(), false), plain))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("archive_mode=on");
        }
    }

    @Test
    void archiverThatCannotArchive_timesOutAfterItsWait_recordedNotSlept() throws Exception {
        List<Duration> waits = new ArrayList<>();
        Path dir = src.provider.baseDir().resolveSibling("stuck-archiver");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("source"), 0, LocalBackupProvider.ARCHIVING);
                LocalBackupProvider stuck =
                        new LocalBackupProvider(dir.resolve("backup"), Duration.ofSeconds(60), waits::add)) {
            stuck.attach(
                    new DatabaseRef("stuck", LocalBackupProvider.KIND, LocalBackupProvider.REGION, Map.of(), false),
                    pg);
            // With its folder gone, the archive_command fails for every segment.
            DataDirCopy.deleteTree(stuck.baseDir().resolve("sources/stuck/wal"));

            assertThatThrownBy(() -> stuck.detach("stuck"))
                    .isInstanceOfSatisfying(
                            ProviderException.class, e -> assertThat(e.code()).isEqualTo("ArchiveTimeout"))
                    .hasMessageContaining("not archived after 60 s")
                    .hasMessageContaining("failed");
            // 60 s of 50 ms polls, none of them slept for real.
            assertThat(waits).hasSize(1200).containsOnly(Duration.ofMillis(50));
        }
    }

    static RestoreProgress await(RestoreTarget target) throws InterruptedException {
        RestoreProgress p = src.provider.progress(target);
        for (int i = 0; i < 600 && p.state() == RestoreProgress.State.RESTORING; i++) {
            Thread.sleep(100);
            p = src.provider.progress(target);
        }
        return p;
    }
}
