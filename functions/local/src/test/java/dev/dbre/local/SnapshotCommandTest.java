package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.backup.BackupPlanner;
import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.SimulatedSnapshotProvider;
import dev.dbre.backup.SnapshotNames;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SnapshotCommandTest {
    static final Instant NOW = Instant.parse("2026-11-23T22:10:00Z");
    static final String POLICY = """
            name: gold
            selection: {region: eu-west-1}
            schedule: hourly
            retention: {hourly: 2, keepAtLeast: 1}
            """;

    static Path dir;

    @BeforeAll
    static void dir() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        // short: the server's Unix socket path (under it) must stay below 108 bytes
        dir = Files.createTempDirectory(tmp, "sc");
    }

    @AfterEach
    void restoreSeams() {
        SnapshotCommand.opener = SnapshotCommand::openLocal;
        SnapshotCommand.clock = Clock.systemUTC();
    }

    static SimulatedSnapshotProvider simulated() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        SnapshotCommand.clock = clock;
        Instant old = Instant.parse("2026-11-23T18:00:00Z");
        var policy = BackupPolicyLoader.parse("p", POLICY);
        SimulatedSnapshotProvider p = new SimulatedSnapshotProvider(clock)
                .addDatabase(new DatabaseRef(
                        "orders", "rds-instance", "eu-west-1", Map.of("dbre:backup-policy", "gold"), false))
                .addSnapshot(new Snapshot(
                        SnapshotNames.name("orders", old),
                        "orders",
                        "eu-west-1",
                        old,
                        SnapshotStatus.AVAILABLE,
                        BackupPlanner.createTags(policy, old),
                        1))
                .addSnapshot(new Snapshot(
                        "rds:orders-manual", "orders", "eu-west-1", old, SnapshotStatus.AVAILABLE, Map.of(), 1));
        SnapshotCommand.opener = c -> new SnapshotCommand.OpenProvider(p, () -> {});
        return p;
    }

    static Path policyFile(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void dryRun_printsThePlanWithReasons_andChangesNothing() throws Exception {
        SimulatedSnapshotProvider provider = simulated();

        Cli r = Cli.run("snapshot", "--policy", policyFile("gold.yaml", POLICY).toString(), "--dry-run");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(provider.mutated()).as(provider.calls().toString()).isFalse();
        assertThat(r.out())
                .contains("policy gold at 2026-11-23T22:10:00Z (slot 2026-11-23T22:00:00Z): dry run, nothing changed")
                .contains(
                        "  create dbre-orders-20261123-2200 in eu-west-1: slot 2026-11-23T22:00:00Z has no snapshot yet")
                .contains("  keep   dbre-orders-20261123-1800 in eu-west-1: newest completed, floor (1 of 1 newest)")
                .contains("  keep   rds:orders-manual in eu-west-1: not managed by this policy")
                .contains("dry run: created 0, copied 0, deleted 0, shared 0, failed 0");
    }

    @Test
    void run_withJson_carriesOutThePlan_andRecordsTheRun(TestDatabase db) throws Exception {
        SimulatedSnapshotProvider provider = simulated();

        Cli r = Cli.run(
                "snapshot",
                "--policy",
                policyFile("gold2.yaml", POLICY).toString(),
                "--json",
                "--jdbc-url",
                db.jdbcUrl(),
                "--user",
                "postgres");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip())
                .startsWith("{\"policy\":\"gold\"")
                .contains("\"created\":1")
                .contains("\"action\":\"create\"");
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(provider.allSnapshots()).extracting(Snapshot::id).contains("dbre-orders-20261123-2200");
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and database_id = 'orders'"
                        + " and created = 1 and failures = 0"))
                .isEqualTo(1);
    }

    @Test
    void aFailedStep_exitsOne_andTheSummaryNamesIt() throws Exception {
        simulated().throttle(SimulatedSnapshotProvider.CREATE, 5);

        Cli r = Cli.run(
                Map.of("DBRE_SNAPSHOT_MAX_ATTEMPTS", "1"),
                new ByteArrayInputStream(new byte[0]),
                "snapshot",
                "--policy",
                policyFile("gold3.yaml", POLICY).toString());

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.out())
                .contains(
                        "FAILED orders: create dbre-orders-20261123-2200 in eu-west-1: Throttling: gave up after 1 attempts");
    }

    @Test
    void anInvalidPolicy_exitsOne_namingFileAndField() throws Exception {
        simulated();
        Path f = policyFile("bad.yaml", POLICY.replace("hourly: 2", "hourly: two"));

        Cli r = Cli.run("snapshot", "--policy", f.toString());

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err())
                .contains("dbre snapshot: " + f + ": retention.hourly: must be a whole number >= 0, was \"two\"");
    }

    @Test
    void localProvider_takesARealBaseBackup_andASecondRunInTheSlotTakesNone() throws Exception {
        SnapshotCommand.opener = SnapshotCommand::openLocal;
        SnapshotCommand.clock = Clock.fixed(Instant.now(), ZoneOffset.UTC); // both runs in one slot
        Path local = dir.resolve("l");
        Path policy = Path.of("../../docs/examples/backup-policy-local.json");

        Cli first = Cli.run("snapshot", "--policy", policy.toString(), "--local-dir", local.toString());
        Cli second = Cli.run("snapshot", "--policy", policy.toString(), "--local-dir", local.toString(), "--json");

        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out())
                .containsPattern("create dbre-local-\\d{8}-\\d{4} in local")
                .contains("done: created 1");
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("\"created\":0").contains("\"newestCompleted\":{\"id\":\"dbre-local-");
        try (var manifests = Files.walk(local.resolve("backup"))) {
            assertThat(manifests
                            .filter(p -> p.getFileName().toString().equals("manifest.json"))
                            .count())
                    .isEqualTo(1);
        }
    }

    /**
     * The reported hang: a dry run, then a run, then a run in the next slot, in one folder. Each
     * run used to start a fresh database whose first WAL segment clashed with the archived one, and
     * the base backup waited for the archiver forever.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dryRunThenRunThenNextSlot_allFinish_andTheDryRunStartsNothing() throws Exception {
        SnapshotCommand.opener = SnapshotCommand::openLocal;
        Instant t0 = Instant.now();
        SnapshotCommand.clock = Clock.fixed(t0, ZoneOffset.UTC);
        Path local = dir.resolve("hang");
        String policy = Path.of("../../docs/examples/backup-policy-local.json").toString();

        Cli dry = Cli.run("snapshot", "--policy", policy, "--dry-run", "--local-dir", local.toString());
        assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
        assertThat(dry.out()).contains("create dbre-local-");
        assertThat(local.resolve("source")).doesNotExist();
        assertThat(local.resolve("backup")).doesNotExist();

        Cli first = Cli.run("snapshot", "--policy", policy, "--local-dir", local.toString());
        SnapshotCommand.clock = Clock.fixed(t0.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        Cli next = Cli.run("snapshot", "--policy", policy, "--local-dir", local.toString());

        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("done: created 1");
        assertThat(first.err()).contains("taking snapshot dbre-local-").contains("done in");
        assertThat(next.exitCode()).as(next.out() + next.err()).isZero();
        assertThat(next.out()).contains("done: created 1");
        try (var manifests = Files.walk(local.resolve("backup"))) {
            assertThat(manifests
                            .filter(p -> p.getFileName().toString().equals("manifest.json"))
                            .count())
                    .isEqualTo(2);
        }
    }

    @Test
    void aNewDatabaseOverTheArchiveOfOneThatIsGone_isRefused_sayingWhatToDo() throws Exception {
        SnapshotCommand.opener = SnapshotCommand::openLocal;
        Path home = dir.resolve("orphan");
        Files.createDirectories(home.resolve("backup/sources/local/wal"));
        Files.writeString(home.resolve("backup/sources/local/wal/000000010000000000000001"), "x");

        Cli r = Cli.run(
                "snapshot",
                "--policy",
                Path.of("../../docs/examples/backup-policy-local.json").toString(),
                "--home",
                home.toString());

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err())
                .contains("belongs to an earlier local database local")
                .contains("--home");
        assertThat(home.resolve("source/data")).doesNotExist();
    }
}
