package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SimulatedSnapshotProvider;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotService;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProgress.State;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoreState;
import dev.dbre.rotation.RotationRequest;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationStep;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.rotation.StepResult;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SloEvaluator;
import dev.dbre.slo.SloReport;
import dev.dbre.slo.report.SloReportJson;
import dev.dbre.slo.spec.SloSpecs;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The product's own SLO set (docs/examples/slo/) evaluated over {@link DatabaseSliData} after real
 * ingest, snapshot, restore-drill and rotation work on 2026-11-23 (UTC), reported at 12:00. Every
 * SLI is computed by hand below, and the JSON report is valid against the documented schema.
 */
@ExtendWith(PostgresExtension.class)
class ProductSloSetTest {
    static final Instant AT = Instant.parse("2026-11-23T12:00:00Z");

    static Instant at(String hhmm) {
        return Instant.parse("2026-11-23T" + hhmm + ":00Z");
    }

    @Test
    void theProductsSloSet_overWhatTheFunctionsRecorded_givesTheHandComputedSlis(TestDatabase db) throws Exception {
        Ingested.clean(db);
        ingest(db);
        backups(db);
        drills(db);
        rotations(db);

        SloReport report = new SloEvaluator(Ingested.data(db), ReportSettings.DEFAULTS)
                .report(SloSpecs.load(Path.of("../docs/examples/slo")), AT, AT);
        Map<String, SloReport.Entry> byName =
                report.slos().stream().collect(Collectors.toMap(SloReport.Entry::name, e -> e));

        // ingest-availability: 2 batches stored (10:00:30, 11:00:30), 1 failed (11:30:10): 2/3.
        SloReport.Entry availability = byName.get("ingest-availability");
        assertThat(availability.sli()).isCloseTo(2.0 / 3, within(1e-12));
        // budget: 0.1% of 3 batches = 0.003 batches; 1 failed spends it 333.3 times over
        assertThat(availability.budget().consumed()).isCloseTo(1 / 0.003, within(1e-9));
        assertThat(availability.enoughData()).isFalse(); // 3 batches < 1 / 0.001
        // ingest-freshness: values 0, 10, 30 and 120 s old in the first batch, 0 s in the second:
        // 4 of 5 within 60 s.
        assertThat(byName.get("ingest-freshness").sli()).isCloseTo(0.8, within(1e-12));
        // backup-rpo, 5-minute slices of November in Berlin: runs at 09:00 (no completed snapshot
        // yet: 12 bad slices up to 10:00) and 10:00 (the 09:00 snapshots, well inside 26 h: 24 good
        // slices up to 12:00); the slices before 09:00 have no data. 24 / 36.
        SloReport.Entry backup = byName.get("backup-rpo");
        assertThat(backup.sli()).isCloseTo(24.0 / 36, within(1e-12));
        assertThat(backup.counts().total()).isEqualTo(36);
        // drill-verified: drill A verified, drill B failed its check: 1/2. drill-rto: A recovered
        // in 300 s <= 1800, B never did: 1/2.
        assertThat(byName.get("drill-verified").sli()).isCloseTo(0.5, within(1e-12));
        assertThat(byName.get("drill-rto").sli()).isCloseTo(0.5, within(1e-12));
        // rotation-on-schedule, 1-hour slices: app/a rotated at 09:30, app/b seen at 09:30 and
        // rotated at 10:30. Slice ending 10:00: b not rotated yet (bad); 11:00 and 12:00: both (good).
        assertThat(byName.get("rotation-on-schedule").sli()).isCloseTo(2.0 / 3, within(1e-12));

        List<Error> errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("../docs/slo-report.schema.json"), StandardCharsets.UTF_8))
                .validate(SloReportJson.write(report), InputFormat.JSON);
        assertThat(errors).isEmpty();
    }

    private static void ingest(TestDatabase db) {
        MutableClock clock = new MutableClock(at("10:00").plusSeconds(30));
        long now = clock.instant().getEpochSecond();
        Ingested.store(
                db,
                clock,
                Ingested.SOURCE,
                String.join(
                        "\n",
                        "dbre.jobs:1|c|T" + now,
                        "dbre.jobs:1|c|T" + (now - 10),
                        "dbre.jobs:1|c|T" + (now - 30),
                        "dbre.jobs:1|c|T" + (now - 120)));
        clock.advance(Duration.ofHours(1));
        Ingested.store(db, clock, Ingested.SOURCE, "dbre.jobs:1|c");
        clock.advance(Duration.ofSeconds(29 * 60 + 40)); // 11:30:10
        AtomicInteger opens = new AtomicInteger();
        ConnectionFactory firstFails = () -> {
            if (opens.getAndIncrement() == 0) {
                throw new SQLException("connection refused", "08001");
            }
            return db.open();
        };
        assertThat(new IngestService(firstFails, ParseLimits.DEFAULTS, MetricStoreSettings.DEFAULTS, clock)
                        .ingest(new IngestBatch(
                                Ingested.SOURCE,
                                List.of(new SourceRecord(
                                        "shard-1",
                                        "failing",
                                        clock.instant(),
                                        "dbre.jobs:1|c".getBytes(StandardCharsets.UTF_8),
                                        PayloadFormat.DOGSTATSD))))
                        .records())
                .singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(RecordOutcome.FAILED));
    }

    private static void backups(TestDatabase db) {
        MutableClock clock = new MutableClock(at("09:00"));
        BackupPolicy gold = BackupPolicyLoader.parse("gold.yaml", """
                name: gold
                selection: {databases: [orders, billing], region: eu-west-1}
                schedule: hourly
                retention: {hourly: 5, keepAtLeast: 1}
                """);
        SimulatedSnapshotProvider provider = new SimulatedSnapshotProvider(clock)
                .addDatabase(new DatabaseRef("orders", "rds-instance", "eu-west-1", Map.of(), false))
                .addDatabase(new DatabaseRef("billing", "rds-instance", "eu-west-1", Map.of(), false));
        SnapshotService service = new SnapshotService(
                (d, m) -> {}, new SnapshotRunStore(db.connections()), RetryPolicy.DEFAULT, d -> {}, new Random(1));
        service.run(gold, provider, clock, false);
        provider.completeAll();
        clock.advance(Duration.ofHours(1));
        service.run(gold, provider, clock, false);
    }

    private static void drills(TestDatabase db) throws SQLException {
        db.execute("create table if not exists restored_items (id int primary key)");
        db.execute("insert into restored_items select generate_series(1, 10) on conflict do nothing");
        assertThat(drill(db, "drill-a", 10, at("10:00"))).isEqualTo(RestoreState.VERIFIED);
        assertThat(drill(db, "drill-b", 11, at("10:10"))).isEqualTo(RestoreState.FAILED);
        assertThat(db.queryLong("select recovery_seconds from restore_runs where new_name = 'drill-a'"))
                .isEqualTo(300);
    }

    private static RestoreState drill(TestDatabase db, String name, int atLeast, Instant submitted) {
        FakeRestoreProvider provider = new FakeRestoreProvider()
                .source("orders-db", false, Instant.parse("2026-11-20T00:00:00Z"), submitted)
                .restoredDatabase(db.connections())
                .progress(
                        new RestoreProgress(State.RESTORING, null, 0, "creating"),
                        new RestoreProgress(State.AVAILABLE, "db.example", 5432, "available"));
        RestoreService service = new RestoreService(provider, db.connections(), (d, m) -> {});
        RestoreService.Submitted sub = service.submit(
                RestoreRequest.parse("{\"source\":\"orders-db\",\"targetTime\":\"2026-11-22T12:00:00Z\",\"newName\":\""
                        + name + "\",\"drill\":true,\"verify\":[{\"name\":\"items\",\"sql\":"
                        + "\"select count(*) from restored_items\",\"expect\":{\"atLeast\":" + atLeast + "}}]}"),
                submitted);
        RestoreRun run = sub.run();
        Instant now = submitted;
        while (!run.finished() && now.isBefore(submitted.plus(Duration.ofHours(1)))) {
            now = now.plusSeconds(60);
            run = service.advance(sub.runId(), now, Duration.ofMinutes(10));
        }
        return run.outcome();
    }

    private static void rotations(TestDatabase db) throws SQLException {
        MutableClock clock = new MutableClock(at("09:30"));
        RotationRunStore runs = new RotationRunStore(db.connections(), clock, "aws", "dbre-rotation");
        runs.record(
                new RotationRequest("app/a", "t1", RotationStep.FINISH_SECRET),
                RotationStrategy.SINGLE,
                new StepResult("app/a", "t1", RotationStep.FINISH_SECRET, StepResult.Action.FINISHED, null),
                null);
        runs.record(
                new RotationRequest("app/b", "t2", RotationStep.CREATE_SECRET),
                RotationStrategy.ALTERNATING,
                new StepResult("app/b", "t2", RotationStep.CREATE_SECRET, StepResult.Action.PENDING_CREATED, null),
                null);
        clock.advance(Duration.ofHours(1));
        runs.record(
                new RotationRequest("app/b", "t2", RotationStep.FINISH_SECRET),
                RotationStrategy.ALTERNATING,
                new StepResult("app/b", "t2", RotationStep.FINISH_SECRET, StepResult.Action.FINISHED, null),
                null);
    }
}
