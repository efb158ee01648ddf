package dev.dbre.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SimulatedSnapshotProvider;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotService;
import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreService;
import dev.dbre.rotation.RotationError;
import dev.dbre.rotation.RotationRequest;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationStep;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.rotation.StepResult;
import dev.dbre.slo.AlertStateStore;
import dev.dbre.slo.ReportFormat;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.SloRunSummary;
import dev.dbre.slo.data.DatabaseSliData;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.SteadySliData;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grants the Terraform modules tell an administrator to run ({@code
 * terraform/modules/<cloud>/database-grants.sql.tftpl}), rendered the way {@code templatefile()}
 * renders them and applied to a database that a role which is not a superuser migrated (as on
 * Cloud SQL and Flexible Server). Then each function's real database work runs through the real
 * services as a login of its group only: a function that lacks a grant fails here, not in a
 * deployment.
 */
class DatabaseGrantsTest {
    static final Path TEMPLATE = Path.of("../terraform/modules/gcp/database-grants.sql.tftpl");
    static final Path AZURE_TEMPLATE = Path.of("../terraform/modules/azure/database-grants.sql.tftpl");
    static final String OWNER = "grants_owner";
    /** The logins of the functions, one per group (on Google Cloud: the IAM database users). */
    static final Map<String, String> LOGINS = Map.of(
            "ingest", "grants_ingest",
            "backup", "grants_backup",
            "rotation", "grants_rotation",
            "maintenance", "grants_maintenance",
            "slo", "grants_slo");
    /** The group roles the template creates, whose privileges the guard below reads. */
    static final List<String> GROUPS = List.of("dbre_ingest", "dbre_backup", "dbre_rotation", "dbre_slo");

    /**
     * Tables no function role writes through a grant of its own, each with the reason. A new table
     * is either granted in the template or listed here on purpose.
     */
    static final Map<String, String> OWNER_WRITES = Map.of(
            "flyway_schema_history", "written by the migrations only",
            "metric_agg_1m", "rollups: the maintenance group, as a member of the owner",
            "metric_agg_1h", "rollups: the maintenance group, as a member of the owner",
            "metric_agg_1d", "rollups: the maintenance group, as a member of the owner",
            "metric_rollup_state", "rollup progress: the maintenance group, as a member of the owner",
            "metric_minute_changes", "minutes the rollup rewrote: the maintenance group, as a member of the owner");

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    static LocalPostgres server;
    static String url;

    @BeforeAll
    static void migrateAsOwner_thenApplyTheGrantsAsAdministrator() throws Exception {
        server = PostgresExtension.server();
        String database = "grants_" + ProcessHandle.current().pid();
        try (Connection c = admin("postgres");
                Statement s = c.createStatement()) {
            s.execute("create role " + OWNER + " login");
            s.execute("create database " + database + " owner " + OWNER);
            for (String login : LOGINS.values()) {
                s.execute("create role " + login + " login");
            }
        }
        url = server.jdbcUrl(database);
        SchemaMigrator.migrate(url, OWNER, null);
        Map<String, String> vars = new LinkedHashMap<>(LOGINS);
        vars.put("owner", OWNER);
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(render(Files.readString(TEMPLATE, StandardCharsets.UTF_8), vars));
        }
    }

    private static Connection admin(String db) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(db), "postgres", "");
    }

    /** A function's connections: its login, nothing else. */
    static ConnectionFactory as(String group) {
        return JdbcConnectionFactory.of(url, LOGINS.get(group), null);
    }

    static long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- what each function does, as its own role

    @Test
    void ingest_storesAggregatesRawPointsAndRejects_intoPartitionsMaintenanceMadeAhead_andRecordsAFailedBatch()
            throws Exception {
        Instant dayAfter = T0.plus(Duration.ofDays(2));
        new MaintenanceService(as("maintenance"), MetricStoreSettings.WITH_RAW_POINTS).createPartitionsAhead(T0);
        assertThat(count("select count(*) from pg_class where relname in ('metric_agg_p20261125',"
                        + " 'metric_agg_1m_p20261125') and relowner = '" + OWNER + "'::regrole"))
                .as("the partitions of the day after tomorrow, made by maintenance, belong to the owner")
                .isEqualTo(2);
        Clock clock = Clock.fixed(dayAfter, ZoneOffset.UTC);
        IngestService ingest =
                new IngestService(as("ingest"), ParseLimits.DEFAULTS, MetricStoreSettings.WITH_RAW_POINTS, clock);

        BatchResult stored = ingest.ingest(batch(
                "grants:ingest",
                "1",
                dayAfter,
                "api.requests:1|c\napi.latency:12|ms|#route:/x\nnot a metric line\n_sc|db.up|0\n" + "ahead:1|c|T"
                        + T0.plus(Duration.ofDays(5)).getEpochSecond()));
        AtomicInteger opens = new AtomicInteger();
        ConnectionFactory firstFails = () -> {
            if (opens.getAndIncrement() == 0) {
                throw new SQLException("connection refused", "08001");
            }
            return as("ingest").open();
        };
        BatchResult failed = new IngestService(
                        firstFails, ParseLimits.DEFAULTS, MetricStoreSettings.WITH_RAW_POINTS, clock)
                .ingest(batch("grants:ingest", "2", dayAfter, "api.requests:1|c"));

        assertThat(stored.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(failed.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.FAILED);
        assertThat(count("select count(*) from metric_agg_p20261125")).isEqualTo(3);
        // Raw points go to the parent: the rows from before V9 keep a partition up to the migration's
        // day, which may cover the test's days.
        assertThat(count("select count(*) from metric_points where ts >= '2026-11-25' and ts < '2026-11-26'"))
                .isEqualTo(2);
        assertThat(count("select count(*) from service_checks where ts >= '2026-11-25' and ts < '2026-11-26'"))
                .as("raw checks go to their parent too (V19)")
                .isEqualTo(1);
        assertThat(count("select count(*) from ingest_rejects")).isEqualTo(1);
        assertThat(count("select count(*) from ingest_batches where point_lag_counts is not null"
                        + " and source = 'grants:ingest'"))
                .isEqualTo(1);
        assertThat(count("select count(*) from ingest_batch_failures where outcome = 'FAILED'"))
                .isEqualTo(1);
        assertThat(count("select count(*) from pg_class where relname = 'metric_agg_p20261128'"))
                .as(
                        "the partition of a point days ahead (the last day accepted), added by ingest through metric_ensure_partition")
                .isEqualTo(1);
    }

    @Test
    void maintenance_rollsUp_createsPartitionsAhead_andDropsWhatRetentionExpired() throws Exception {
        Instant tenDaysAgo = T0.minus(Duration.ofDays(10));
        new IngestService(
                        as("ingest"),
                        ParseLimits.DEFAULTS,
                        MetricStoreSettings.WITH_RAW_POINTS,
                        Clock.fixed(T0, ZoneOffset.UTC))
                .ingest(batch("grants:maintenance", "1", T0, "hits:1|c|T" + T0.getEpochSecond()));
        // Stored ten days ago, when it was fresh, and never rolled up since.
        new IngestService(
                        as("ingest"),
                        ParseLimits.DEFAULTS,
                        MetricStoreSettings.WITH_RAW_POINTS,
                        Clock.fixed(tenDaysAgo, ZoneOffset.UTC))
                .ingest(batch("grants:maintenance", "2", tenDaysAgo, "old:1|c|T" + tenDaysAgo.getEpochSecond()));

        MaintenanceService.Report report = new MaintenanceService(
                        as("maintenance"), MetricStoreSettings.WITH_RAW_POINTS)
                .run(T0.plus(Duration.ofDays(5)));

        assertThat(report.minutesRolled()).isPositive();
        assertThat(report.hoursRolled()).isPositive();
        assertThat(report.partitionsCreated()).isNotEmpty();
        assertThat(report.partitionsDropped()).contains("metric_agg_p20261113");
        assertThat(count("select count(*) from metric_agg_1h where sum = 1")).isPositive();
    }

    @Test
    void snapshot_recordsItsRunAndTheRecoveryPoints() throws Exception {
        MutableClock clock = new MutableClock(T0);
        BackupPolicy gold = BackupPolicyLoader.parse("gold.yaml", """
                name: gold
                selection: {databases: [orders], region: eu-west-1}
                schedule: hourly
                retention: {hourly: 5, keepAtLeast: 1}
                objectives: {rpo: 1h}
                """);
        SimulatedSnapshotProvider provider = new SimulatedSnapshotProvider(clock)
                .addDatabase(new DatabaseRef("orders", "rds-instance", "eu-west-1", Map.of(), false));
        SnapshotService service = new SnapshotService(
                (d, m) -> {}, new SnapshotRunStore(as("backup")), RetryPolicy.DEFAULT, d -> {}, new Random(1));

        service.run(gold, provider, clock, false);
        provider.completeAll();
        clock.advance(Duration.ofHours(1));
        service.run(gold, provider, clock, false);

        assertThat(count("select count(*) from snapshot_runs where database_id = 'orders' and failures = 0"))
                .isEqualTo(2);
        assertThat(count("select count(*) from rpo_latest where database_id = 'orders' and kind = 'snapshot'"
                        + " and lag_seconds = 3600"))
                .isEqualTo(1);
    }

    @Test
    void fleetDrill_recordsItsRestoreRunEventsAndDrill() throws Exception {
        TestDatabase source = PostgresExtension.newDatabase();
        source.execute("create table orders (id bigint primary key)");
        source.execute("insert into orders select generate_series(1, 200)");
        source.execute("analyze orders");
        MutableClock clock = new MutableClock(T0);
        DatabaseRef a = new DatabaseRef("a", "rds-instance", "eu-west-1", Map.of("dbre:backup-policy", "gold"), false);
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(3)), T0)
                .restoredDatabase(source.connections());
        FleetDrills fleet = new FleetDrills(
                new RestoreService(restores, as("backup"), (d, m) -> {}),
                new SimulatedSnapshotProvider(clock).addDatabase(a),
                (db, database) -> source.connections(),
                as("backup"),
                (d, m) -> {});
        BackupPolicy gold = BackupPolicyLoader.parse("gold.yaml", """
                name: gold
                selection: {region: eu-west-1}
                schedule: daily
                retention: {daily: 7}
                drill:
                  every: 7d
                  maxConcurrent: 1
                  kinds: [pitr]
                  minRows: 100
                  verify: [{name: orders, sql: "select count(*) from orders", expect: {atLeast: 1}}]
                objectives: {rpo: 1h, rto: 4h}
                """);

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            failures.addAll(
                    fleet.tick(List.of(gold), clock, Duration.ofMinutes(1)).failures());
            clock.advance(Duration.ofMinutes(5));
        }

        assertThat(failures).isEmpty();
        assertThat(count("select count(*) from drill_results where database_id = 'a' and outcome = 'VERIFIED'"
                        + " and state = 'CLEANED_UP'"))
                .isEqualTo(1);
        assertThat(count("select count(*) from restore_run_events")).isGreaterThan(3);
    }

    @Test
    void rotation_recordsEachStep() throws Exception {
        RotationRunStore runs =
                new RotationRunStore(as("rotation"), Clock.fixed(T0, ZoneOffset.UTC), "gcp", "rotate-secret-manager");

        runs.record(
                new RotationRequest("app/a", "t1", RotationStep.FINISH_SECRET),
                RotationStrategy.SINGLE,
                new StepResult("app/a", "t1", RotationStep.FINISH_SECRET, StepResult.Action.FINISHED, null),
                null);
        runs.record(
                new RotationRequest("app/a", "t2", RotationStep.SET_SECRET),
                RotationStrategy.SINGLE,
                null,
                RotationError.DATABASE_ERROR);

        assertThat(count("select count(*) from rotation_runs where secret_id = 'app/a'"))
                .isEqualTo(2);
    }

    @Test
    void sloReport_readsEverySliSource_andKeepsItsAlertState(@TempDir Path dir) throws Exception {
        Path specs = Files.createDirectories(dir.resolve("slo"));
        try (Stream<Path> product = Files.list(Path.of("../docs/examples/slo"))) {
            for (Path f : product.toList()) {
                Files.copy(f, specs.resolve(f.getFileName()));
            }
        }
        Files.writeString(specs.resolve("metrics.yaml"), SteadySliData.SPEC, StandardCharsets.UTF_8);
        Instant at = T0.plus(Duration.ofDays(1));
        // Minutes before `at` rolled up: final, so the report records the metric SLOs' SLIs.
        new MaintenanceService(as("maintenance"), MetricStoreSettings.DEFAULTS).run(at);
        SloReportService service = new SloReportService(
                new DatabaseSliData(new ConnectionFactoryDataSource(as("slo"))),
                ReportSettings.DEFAULTS,
                new FolderPublisher(dir.resolve("out")),
                notice -> {},
                new AlertStateStore(as("slo")),
                (d, m) -> {},
                Clock.fixed(at, ZoneOffset.UTC));

        SloRunSummary summary = service.run(specs, SloReportService.When.at(at), EnumSet.of(ReportFormat.JSON));

        assertThat(summary.slos()).hasSizeGreaterThan(5);
        assertThat(count("select count(*) from slo_alert_state")).isPositive();
        // The metric SLOs' recorded SLIs (V18), written by the slo group.
        assertThat(count("select count(*) from slo_sli_recordings")).isPositive();
    }

    // ---- the template itself

    @Test
    void bothModules_carryTheSameTemplate() throws IOException {
        assertThat(Files.readString(AZURE_TEMPLATE, StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(TEMPLATE, StandardCharsets.UTF_8));
    }

    /** The guard for the next migration ({@link #ungranted}) finds nothing on today's schema. */
    @Test
    void everyTableViewAndSequence_isGranted_orListedAsTheOwners() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(ungranted(c))
                    .as("grant these in terraform/modules/*/database-grants.sql.tftpl, or list a table in"
                            + " OWNER_WRITES with the reason")
                    .isEmpty();
        }
    }

    @Test
    void theGuard_namesATableANewMigrationAddsWithoutAGrant() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, OWNER, "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("create table next_runs (id bigint generated always as identity, at timestamptz)");
                s.execute("create sequence next_numbers");
                s.execute("create view next_latest as select * from next_runs");
                s.execute("revoke select on next_latest from dbre_slo");
                assertThat(ungranted(c))
                        .containsOnlyKeys("next_runs", "next_numbers", "next_latest")
                        .containsEntry("next_runs", "no function group may write it");
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * The guard for the next migration: every table and partitioned table (partitions are reached
     * through their parent) is written by some function group, or listed in {@link #OWNER_WRITES};
     * every view is readable by a group; a sequence that is not an identity column's (those need no
     * grant: PostgreSQL does not check them) is usable by one.
     *
     * @return what is not covered, by name, with why
     */
    static Map<String, String> ungranted(Connection c) throws SQLException {
        String groups = "array['" + String.join("', '", GROUPS) + "']";
        Map<String, String> missing = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select c.relname, c.relkind,"
                        + " exists (select 1 from unnest(" + groups + ") g where"
                        + "   has_table_privilege(g, c.oid, 'INSERT') or has_table_privilege(g, c.oid, 'UPDATE')),"
                        + " exists (select 1 from unnest(" + groups
                        + ") g where has_table_privilege(g, c.oid, 'SELECT')),"
                        + " exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'i'),"
                        + " c.relkind = 'S' and exists (select 1 from unnest(" + groups + ") g"
                        + "   where has_sequence_privilege(g, c.oid, 'USAGE'))"
                        + " from pg_class c where c.relnamespace = 'public'::regnamespace"
                        + " and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and not c.relispartition")) {
            while (rs.next()) {
                String name = rs.getString(1);
                switch (rs.getString(2)) {
                    case "r", "p", "f" -> {
                        if (!rs.getBoolean(3) && !OWNER_WRITES.containsKey(name)) {
                            missing.put(name, "no function group may write it");
                        }
                    }
                    case "v", "m" -> {
                        if (!rs.getBoolean(4)) {
                            missing.put(name, "no function group may read it");
                        }
                    }
                    default -> {
                        if (!rs.getBoolean(5) && !rs.getBoolean(6)) {
                            missing.put(name, "a sequence no function group may use");
                        }
                    }
                }
            }
        }
        return missing;
    }

    // ---- helpers

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");

    /**
     * Renders a Terraform template the way {@code templatefile()} does for the subset the grants
     * use: {@code ${name}} interpolations of string variables. Directives ({@code %{...}}) and
     * unknown names are refused, so a template this cannot render fails the test instead of being
     * applied half-rendered.
     */
    static String render(String template, Map<String, String> vars) {
        if (template.contains("%{")) {
            throw new IllegalArgumentException("the grants template uses a directive (%{...}); render supports none");
        }
        Matcher m = INTERPOLATION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).strip();
            String value = vars.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "the grants template names ${" + name + "}, which is not a variable");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static IngestBatch batch(String source, String sequence, Instant arrived, String payload) {
        return new IngestBatch(
                source,
                List.of(new SourceRecord(
                        "shard-1",
                        sequence,
                        arrived,
                        payload.getBytes(StandardCharsets.UTF_8),
                        PayloadFormat.DOGSTATSD)));
    }
}
