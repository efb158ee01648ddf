package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner on small, readable histories. */
class BackupPlannerTest {
    static final Instant NOW = Instant.parse("2026-11-23T22:10:00Z"); // a Monday
    static final DatabaseRef ORDERS =
            new DatabaseRef("orders", "rds-instance", "eu-west-1", Map.of("dbre:backup-policy", "gold"), true);

    static BackupPolicy policy(Retention retention, BackupPolicy.CopyRule copy) {
        return new BackupPolicy(
                "gold",
                new BackupPolicy.Selection(List.of("eu-west-1"), "dbre:backup-policy", "gold", List.of()),
                Duration.ofHours(1),
                retention,
                copy,
                null);
    }

    static Snapshot managed(String at, SnapshotStatus status) {
        return managed(at, status, "eu-west-1");
    }

    static Snapshot managed(String at, SnapshotStatus status, String region) {
        Instant t = Instant.parse(at);
        Map<String, String> tags =
                new HashMap<>(BackupPlanner.createTags(policy(new Retention(0, 0, 0, 0, 0, 0, null), null), t));
        return new Snapshot(SnapshotNames.name("orders", t), "orders", region, t.plusSeconds(30), status, tags, 1);
    }

    static BackupPlan plan(BackupPolicy p, Snapshot... snapshots) {
        return BackupPlanner.plan(NOW, p, List.of(ORDERS), Map.of("orders", List.of(snapshots)));
    }

    static List<String> deleted(BackupPlan plan) {
        return plan.actions(PlannedAction.Type.DELETE).stream()
                .map(PlannedAction::snapshotId)
                .toList();
    }

    @Test
    void firstRun_createsTheSlotsSnapshot_andASecondRunInTheSlotDoesNot() {
        BackupPolicy p = policy(new Retention(24, 0, 0, 0, 0, 1, null), null);

        BackupPlan first = plan(p);
        BackupPlan second = plan(p, managed("2026-11-23T22:00:00Z", SnapshotStatus.CREATING));

        assertThat(first.actions()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(PlannedAction.Type.CREATE);
            assertThat(a.snapshotId()).isEqualTo("dbre-orders-20261123-2200");
            assertThat(a.region()).isEqualTo("eu-west-1");
        });
        assertThat(second.actions()).isEmpty();
        assertThat(second.databases().get(0).kept())
                .singleElement()
                .satisfies(
                        k -> assertThat(k.keptFor(KeepReason.Kind.IN_PROGRESS)).isTrue());
    }

    @Test
    void dailyTier_keepsTheNewestOfEachDay_andDeletesTheRest_withReasons() {
        BackupPolicy p = policy(new Retention(0, 3, 0, 0, 0, 0, null), null);

        BackupPlan plan = plan(
                p,
                managed("2026-11-23T22:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-23T21:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-22T23:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-22T05:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-21T05:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-20T05:00:00Z", SnapshotStatus.AVAILABLE));

        assertThat(deleted(plan))
                .containsExactlyInAnyOrder(
                        "dbre-orders-20261123-2100", "dbre-orders-20261122-0500", "dbre-orders-20261120-0500");
        Map<String, String> why = new HashMap<>();
        plan.databases()
                .get(0)
                .kept()
                .forEach(k -> why.put(k.snapshot().id(), k.reasons().toString()));
        assertThat(why)
                .containsEntry("dbre-orders-20261123-2200", "[newest completed, daily 2026-11-23]")
                .containsEntry("dbre-orders-20261122-2300", "[daily 2026-11-22]")
                .containsEntry("dbre-orders-20261121-0500", "[daily 2026-11-21]");
        assertThat(plan.actions(PlannedAction.Type.DELETE).get(0).reason()).contains("kept by no retention tier");
    }

    @Test
    void weeklyBuckets_startOnMonday_andMonthlyAndYearlyOnTheCalendar() {
        BackupPolicy p = policy(new Retention(0, 0, 2, 2, 2, 0, null), null);

        BackupPlan plan = plan(
                p,
                managed("2026-11-23T01:00:00Z", SnapshotStatus.AVAILABLE), // Monday: this week
                managed("2026-11-22T23:00:00Z", SnapshotStatus.AVAILABLE), // Sunday: last week
                managed("2026-11-16T00:00:00Z", SnapshotStatus.AVAILABLE), // last week's Monday
                managed("2026-10-31T23:00:00Z", SnapshotStatus.AVAILABLE), // last month
                managed("2025-12-31T23:00:00Z", SnapshotStatus.AVAILABLE), // last year
                managed("2025-06-01T00:00:00Z", SnapshotStatus.AVAILABLE)); // last year, older

        assertThat(deleted(plan)).containsExactlyInAnyOrder("dbre-orders-20261116-0000", "dbre-orders-20250601-0000");
        Map<String, String> why = new HashMap<>();
        plan.databases()
                .get(0)
                .kept()
                .forEach(k -> why.put(k.snapshot().id(), k.reasons().toString()));
        assertThat(why.get("dbre-orders-20261123-0100")).contains("weekly 2026-W48", "monthly 2026-11", "yearly 2026");
        assertThat(why.get("dbre-orders-20261122-2300")).isEqualTo("[weekly 2026-W47]");
        assertThat(why.get("dbre-orders-20261031-2300")).isEqualTo("[monthly 2026-10]");
        assertThat(why.get("dbre-orders-20251231-2300")).isEqualTo("[yearly 2025]");
    }

    @Test
    void neverDeletes_unmanaged_otherPolicies_inProgress_orTheNewestCompleted() {
        BackupPolicy p = policy(new Retention(0, 0, 0, 0, 0, 0, Duration.ofDays(1)), null);
        Snapshot unmanaged = new Snapshot(
                "rds:orders-2020",
                "orders",
                "eu-west-1",
                Instant.parse("2020-01-01T00:00:00Z"),
                SnapshotStatus.AVAILABLE,
                Map.of(),
                1);
        Snapshot other = new Snapshot(
                "dbre-orders-20200101-0000",
                "orders",
                "eu-west-1",
                Instant.parse("2020-01-01T00:00:00Z"),
                SnapshotStatus.AVAILABLE,
                Map.of(Snapshot.TAG_MANAGED_BY, "dbre", Snapshot.TAG_POLICY, "silver"),
                1);
        Snapshot creating = managed("2020-02-01T00:00:00Z", SnapshotStatus.CREATING);
        Snapshot newestOld = managed("2020-03-01T00:00:00Z", SnapshotStatus.AVAILABLE);
        Snapshot older = managed("2020-02-15T00:00:00Z", SnapshotStatus.AVAILABLE);

        BackupPlan plan = plan(p, unmanaged, other, creating, newestOld, older);

        assertThat(deleted(plan)).containsExactly(older.id());
        assertThat(plan.actions(PlannedAction.Type.DELETE).get(0).reason()).isEqualTo("older than maxAge PT24H");
        List<KeptSnapshot> kept = plan.databases().get(0).kept();
        assertThat(kept)
                .filteredOn(k -> k.snapshot().equals(newestOld))
                .singleElement()
                .satisfies(k ->
                        assertThat(k.keptFor(KeepReason.Kind.NEWEST_COMPLETED)).isTrue());
        assertThat(kept).filteredOn(k -> k.keptFor(KeepReason.Kind.NOT_MANAGED)).hasSize(2);
        // the old CREATING snapshot blocks a new one: the database is busy
        assertThat(plan.actions(PlannedAction.Type.CREATE)).isEmpty();
        assertThat(plan.databases().get(0).notes()).anyMatch(n -> n.contains("still being created"));
    }

    @Test
    void failedSnapshots_areDeleted_butTheCurrentSlotsIsKeptUntilTheSlotPasses() {
        BackupPolicy p = policy(new Retention(24, 0, 0, 0, 0, 1, null), null);
        Snapshot failedNow = managed("2026-11-23T22:00:00Z", SnapshotStatus.FAILED);
        Snapshot failedBefore = managed("2026-11-23T20:00:00Z", SnapshotStatus.FAILED);

        BackupPlan plan = plan(p, failedNow, failedBefore);

        assertThat(deleted(plan)).containsExactly(failedBefore.id());
        assertThat(plan.actions(PlannedAction.Type.CREATE)).isEmpty();
    }

    @Test
    void copies_goToTheCopyRegion_onlyForBucketsTheCopyRetentionWants_andAreNotRepeated() {
        Retention copyRetention = new Retention(0, 2, 0, 0, 0, 0, null);
        BackupPolicy p = policy(
                new Retention(24, 0, 0, 0, 0, 1, null),
                new BackupPolicy.CopyRule("eu-central-1", "kms-1", copyRetention));
        List<Snapshot> history = new ArrayList<>(List.of(
                managed("2026-11-23T21:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-23T20:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-22T23:00:00Z", SnapshotStatus.AVAILABLE),
                managed("2026-11-22T22:00:00Z", SnapshotStatus.AVAILABLE)));

        BackupPlan plan = plan(p, history.toArray(Snapshot[]::new));

        assertThat(plan.actions(PlannedAction.Type.COPY))
                .extracting(PlannedAction::snapshotId)
                .containsExactlyInAnyOrder("dbre-orders-20261123-2100", "dbre-orders-20261122-2300");
        assertThat(plan.actions(PlannedAction.Type.COPY))
                .allSatisfy(a -> assertThat(a.region()).isEqualTo("eu-central-1"));

        // Today's copy is on its way: the next hour's snapshot does not get a second copy for today.
        history.add(managed("2026-11-23T21:00:00Z", SnapshotStatus.COPYING, "eu-central-1"));
        history.add(managed("2026-11-22T23:00:00Z", SnapshotStatus.AVAILABLE, "eu-central-1"));
        history.add(managed("2026-11-20T23:00:00Z", SnapshotStatus.AVAILABLE, "eu-central-1"));
        history.add(managed("2026-11-23T22:00:00Z", SnapshotStatus.AVAILABLE));
        BackupPlan next = plan(p, history.toArray(Snapshot[]::new));

        assertThat(next.actions(PlannedAction.Type.COPY)).isEmpty();
        // (the source's 2026-11-22T22:00 falls out of the 24 hourly buckets; only the copy region is checked here)
        assertThat(next.actions(PlannedAction.Type.DELETE))
                .filteredOn(a -> a.region().equals("eu-central-1"))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.snapshotId()).isEqualTo("dbre-orders-20261120-2300");
                    assertThat(a.region()).isEqualTo("eu-central-1");
                });
    }

    @Test
    void explicitIds_reportTheMissingOnes() {
        BackupPolicy p = new BackupPolicy(
                "gold",
                new BackupPolicy.Selection(
                        List.of("eu-west-1"), "dbre:backup-policy", "gold", List.of("orders", "gone")),
                Duration.ofHours(1),
                new Retention(1, 0, 0, 0, 0, 1, null),
                null,
                null);

        BackupPlan plan = BackupPlanner.plan(NOW, p, List.of(ORDERS), Map.of());

        assertThat(plan.databases()).hasSize(1);
        assertThat(plan.missingDatabases()).containsExactly("gone");
    }
}
