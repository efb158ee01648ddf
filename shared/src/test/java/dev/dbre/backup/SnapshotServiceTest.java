package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SnapshotServiceTest {
    static final Instant NOW = Instant.parse("2026-11-23T22:10:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String REGION = "eu-west-1";

    final List<Duration> sleeps = new ArrayList<>();
    final List<List<Metric>> published = new ArrayList<>();
    final MetricsPublisher metrics = (dims, m) -> published.add(m);

    static BackupPolicy policy(BackupPolicy.CopyRule copy) {
        return new BackupPolicy(
                "gold",
                new BackupPolicy.Selection(List.of(REGION), "dbre:backup-policy", "gold", List.of()),
                Duration.ofHours(1),
                new Retention(2, 0, 0, 0, 0, 1, null),
                copy,
                new BackupPolicy.ShareRule(List.of("444455556666")));
    }

    static DatabaseRef db(String id) {
        return new DatabaseRef(id, "rds-instance", REGION, Map.of("dbre:backup-policy", "gold"), false);
    }

    static Snapshot old(String db, String at) {
        Instant t = Instant.parse(at);
        return new Snapshot(
                SnapshotNames.name(db, t),
                db,
                REGION,
                t,
                SnapshotStatus.AVAILABLE,
                BackupPlanner.createTags(policy(null), t),
                10);
    }

    SnapshotService service(int maxAttempts) {
        return new SnapshotService(
                metrics,
                null,
                new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(1)),
                sleeps::add,
                new Random(7));
    }

    SimulatedSnapshotProvider provider() {
        return new SimulatedSnapshotProvider(CLOCK)
                .addDatabase(db("orders"))
                .addDatabase(db("billing"))
                .addDatabase(new DatabaseRef("scratch", "rds-instance", REGION, Map.of(), false))
                .addSnapshot(old("orders", "2026-11-23T21:00:00Z"))
                .addSnapshot(old("orders", "2026-11-23T18:00:00Z"))
                .addSnapshot(old("billing", "2026-11-23T21:00:00Z"));
    }

    @ParameterizedTest
    @EnumSource(ProviderError.class)
    void aFailedCreate_isRetriedExactlyWhenItsKindIsRetryable(ProviderError kind) {
        SimulatedSnapshotProvider provider = provider().fail(SimulatedSnapshotProvider.CREATE, 1, kind);

        SnapshotRunSummary s = service(3).run(policy(null), provider, CLOCK, false);

        if (kind.retryable()) {
            assertThat(s.ok()).as(s.toJson(false)).isTrue();
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.retries()).isEqualTo(1);
            assertThat(sleeps).hasSize(1);
        } else {
            assertThat(s.created()).isEqualTo(1);
            assertThat(s.retries()).isZero();
            assertThat(sleeps).isEmpty();
            // The stored failure line keeps the provider's code and message, as before the kinds.
            assertThat(s.databases().stream().flatMap(d -> d.failures().stream()))
                    .singleElement()
                    .asString()
                    .startsWith("create dbre-")
                    .contains(": Simulated: " + kind + " (simulated) in createSnapshot");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ProviderError.class,
            names = {"THROTTLED", "BUSY", "UNAVAILABLE"})
    void aRetryableKindThatNeverPasses_givesUpAfterMaxAttempts_keepingKindAndCode(ProviderError kind) {
        SimulatedSnapshotProvider provider = provider().fail(SimulatedSnapshotProvider.CREATE, 99, kind);

        SnapshotRunSummary s = service(3).run(policy(null), provider, CLOCK, false);

        assertThat(s.created()).isZero();
        assertThat(s.databases().stream().flatMap(d -> d.failures().stream()))
                .hasSize(2)
                .allSatisfy(f -> assertThat(f).contains(": Simulated: gave up after 3 attempts: "));
    }

    @Test
    void dryRun_plansButCallsNothingThatChanges_andPublishesNothing() {
        SimulatedSnapshotProvider provider = provider();

        SnapshotRunSummary s = service(3).run(policy(null), provider, CLOCK, true);

        assertThat(provider.mutated()).as(provider.calls().toString()).isFalse();
        assertThat(provider.calls()).isNotEmpty().allMatch(c -> c.startsWith("list"));
        assertThat(published).isEmpty();
        assertThat(s.dryRun()).isTrue();
        assertThat(s.plan().actions(PlannedAction.Type.CREATE)).hasSize(2);
        assertThat(s.plan().actions(PlannedAction.Type.DELETE))
                .extracting(PlannedAction::snapshotId)
                .containsExactly("dbre-orders-20261123-1800");
        assertThat(s.created() + s.deleted() + s.shared()).isZero();
    }

    @Test
    void run_createsDeletesAndShares_perThePlan_andPublishesTheCounts() {
        SimulatedSnapshotProvider provider = provider();

        SnapshotRunSummary s = service(3).run(policy(null), provider, CLOCK, false);

        assertThat(s.ok()).as(s.toJson(false)).isTrue();
        assertThat(s.created()).isEqualTo(2);
        assertThat(s.deleted()).isEqualTo(1);
        assertThat(s.shared()).isEqualTo(2);
        assertThat(provider.allSnapshots())
                .extracting(Snapshot::id)
                .containsExactlyInAnyOrder(
                        "dbre-orders-20261123-2100",
                        "dbre-orders-20261123-2200",
                        "dbre-billing-20261123-2100",
                        "dbre-billing-20261123-2200");
        assertThat(provider.allSnapshots())
                .filteredOn(x -> x.id().endsWith("2200"))
                .allSatisfy(x -> assertThat(x.tags())
                        .containsEntry(Snapshot.TAG_POLICY, "gold")
                        .containsEntry(Snapshot.TAG_SLOT, "20261123-2200"));
        assertThat(provider.shares()).containsEntry("dbre-orders-20261123-2100", List.of("444455556666"));
        // The policy's figures, then each database's recovery point (BackupRpoSeconds).
        assertThat(published)
                .first()
                .satisfies(m -> assertThat(m)
                        .contains(
                                Metric.count(MetricNames.SNAPSHOTS_CREATED, 2),
                                Metric.count(MetricNames.SNAPSHOTS_DELETED, 1),
                                Metric.count(MetricNames.SNAPSHOT_FAILURES, 0),
                                new Metric(MetricNames.SNAPSHOT_OLDEST_NEWEST_AGE, 4200, "Seconds")));

        SnapshotRunSummary again = service(3).run(policy(null), provider, CLOCK, false);
        assertThat(again.created() + again.deleted()).isZero();
    }

    @Test
    void throttling_isRetriedWithJitteredBackoff_withinTheCeiling() {
        SimulatedSnapshotProvider provider = provider().throttle(SimulatedSnapshotProvider.CREATE, 3);

        SnapshotRunSummary s = service(5).run(policy(null), provider, CLOCK, false);

        assertThat(s.ok()).as(s.toJson(false)).isTrue();
        assertThat(s.created()).isEqualTo(2);
        assertThat(s.retries()).isEqualTo(3);
        assertThat(sleeps).hasSize(3);
        for (int i = 0; i < sleeps.size(); i++) {
            assertThat(sleeps.get(i)).isBetween(Duration.ZERO, Duration.ofMillis(100L << i));
        }
    }

    @Test
    void throttlingBeyondMaxAttempts_failsThatStepOnly_withTheReason() {
        SimulatedSnapshotProvider provider = provider().throttle(SimulatedSnapshotProvider.CREATE, 3);

        SnapshotRunSummary s = service(2).run(policy(null), provider, CLOCK, false);

        // billing is planned first (sorted by id): its create gives up after 2 attempts; orders' create then
        // meets the third throttle once and succeeds on its retry.
        DatabaseOutcome billing = s.databases().stream()
                .filter(d -> d.databaseId().equals("billing"))
                .findFirst()
                .orElseThrow();
        assertThat(billing.failures())
                .singleElement()
                .asString()
                .startsWith("create dbre-billing-20261123-2200 in eu-west-1: Throttling")
                .contains("gave up after 2 attempts");
        assertThat(s.created()).isEqualTo(1);
        assertThat(s.deleted()).isEqualTo(1);
        assertThat(published.get(0)).contains(Metric.count(MetricNames.SNAPSHOT_FAILURES, 1));
    }

    @Test
    void oneBrokenDatabase_doesNotStopTheOthers() {
        SimulatedSnapshotProvider provider = provider().breakDatabase("billing");

        SnapshotRunSummary s = service(3).run(policy(null), provider, CLOCK, false);

        assertThat(s.databases()).extracting(DatabaseOutcome::databaseId).containsExactly("billing", "orders");
        assertThat(s.databases().get(0).failures()).singleElement().asString().contains("InvalidDBInstanceState");
        assertThat(s.databases().get(1).failures()).isEmpty();
        assertThat(s.databases().get(1).created()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(sleeps).as("a permanent error is not retried").isEmpty();
    }

    @Test
    void copies_areStartedInTheCopyRegion_withTheKey() {
        SimulatedSnapshotProvider provider = provider();

        SnapshotRunSummary s = service(3)
                .run(
                        policy(new BackupPolicy.CopyRule(
                                "eu-central-1", "kms-9", new Retention(0, 1, 0, 0, 0, 1, null))),
                        provider,
                        CLOCK,
                        false);

        assertThat(s.copied()).isEqualTo(2);
        assertThat(provider.allSnapshots())
                .filteredOn(x -> x.region().equals("eu-central-1"))
                .extracting(Snapshot::id)
                .containsExactlyInAnyOrder("dbre-orders-20261123-2100", "dbre-billing-20261123-2100");
        assertThat(s.toJson(true)).contains("\"copied\":2").contains("\"action\":\"copy\"");
    }

    @Test
    void unknownExplicitDatabase_isAFailure_andTheOthersRun() {
        BackupPolicy p = new BackupPolicy(
                "gold",
                new BackupPolicy.Selection(List.of(REGION), "dbre:backup-policy", "gold", List.of("orders", "ghost")),
                Duration.ofHours(1),
                new Retention(2, 0, 0, 0, 0, 1, null),
                null,
                null);

        SnapshotRunSummary s = service(3).run(p, provider(), CLOCK, false);

        assertThat(s.failures()).containsExactly("database ghost not found in eu-west-1");
        assertThat(s.created()).isEqualTo(1);
    }

    @Test
    void listingFailure_skipsThatDatabase() {
        SimulatedSnapshotProvider provider = provider().throttle(SimulatedSnapshotProvider.LIST_SNAPSHOTS, 99);

        SnapshotRunSummary s = service(2).run(policy(null), provider, CLOCK, false);

        assertThat(provider.mutated()).isFalse();
        assertThat(s.databases())
                .allSatisfy(
                        d -> assertThat(d.failures()).singleElement().asString().startsWith("list snapshots of "));
    }
}
