package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The planner's guarantees over thousands of random policies, snapshot histories and clocks. */
class BackupPlannerPropertiesTest {
    static final String SOURCE_REGION = "eu-west-1";
    static final String COPY_REGION = "eu-central-1";
    static final List<Duration> SLOTS =
            List.of(Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1));
    static final List<String> DB_IDS =
            List.of("orders", "Billing_DB.prod", "a", "x--y-", "9lives", "db-" + "z".repeat(300));

    /** One random world: a policy, databases, their snapshots and a clock. */
    record Scenario(
            Instant now, BackupPolicy policy, List<DatabaseRef> databases, Map<String, List<Snapshot>> existing) {
        BackupPlan plan() {
            return BackupPlanner.plan(now, policy, databases, existing);
        }

        @Override
        public String toString() {
            int n = existing.values().stream().mapToInt(List::size).sum();
            return "now=" + now + " policy=" + policy + " dbs=" + databases.size() + " snapshots=" + n;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.randomValue(BackupPlannerPropertiesTest::scenario);
    }

    static Scenario scenario(Random r) {
        Instant now = Instant.parse("2021-01-01T00:00:00Z").plusSeconds((long) (r.nextDouble() * 9 * 365 * 86400));
        Duration slot = SLOTS.get(r.nextInt(SLOTS.size()));
        Retention retention = retention(r);
        BackupPolicy.CopyRule copy = r.nextInt(3) == 0
                ? null
                : new BackupPolicy.CopyRule(COPY_REGION, "kms-1", r.nextBoolean() ? retention : retention(r));
        BackupPolicy.ShareRule share = r.nextInt(4) == 0 ? new BackupPolicy.ShareRule(List.of("123456789012")) : null;
        BackupPolicy policy = new BackupPolicy(
                "gold",
                new BackupPolicy.Selection(
                        List.of(SOURCE_REGION), BackupPolicyLoader.DEFAULT_TAG_KEY, "gold", List.of()),
                slot,
                retention,
                copy,
                share);
        List<DatabaseRef> dbs = new ArrayList<>();
        Map<String, List<Snapshot>> existing = new HashMap<>();
        int nDbs = 1 + r.nextInt(3);
        Set<String> used = new HashSet<>();
        for (int i = 0; i < nDbs; i++) {
            String id = DB_IDS.get(r.nextInt(DB_IDS.size()));
            if (!used.add(id)) {
                continue;
            }
            String tag = r.nextInt(6) == 0 ? "silver" : "gold";
            dbs.add(new DatabaseRef(
                    id, "rds-instance", SOURCE_REGION, Map.of(BackupPolicyLoader.DEFAULT_TAG_KEY, tag), false));
            existing.put(id, history(r, id, now, slot));
        }
        return new Scenario(now, policy, dbs, existing);
    }

    static Retention retention(Random r) {
        int[] c = new int[6];
        for (int i = 0; i < 6; i++) {
            c[i] = r.nextInt(3) == 0 ? 0 : r.nextInt(i == 5 ? 5 : 8);
        }
        Duration maxAge = r.nextInt(3) == 0 ? Duration.ofHours(1 + r.nextInt(24 * 400)) : null;
        return new Retention(c[0], c[1], c[2], c[3], c[4], c[5], maxAge);
    }

    /** Snapshots of {@code db}: managed by this policy (most), by another policy, or not ours; both regions. */
    static List<Snapshot> history(Random r, String db, Instant now, Duration slot) {
        Map<String, Snapshot> byKey = new HashMap<>();
        int n = r.nextInt(60);
        long spanSeconds = (long) ((r.nextBoolean() ? 3 : 800) * 86400L);
        for (int i = 0; i < n; i++) {
            // Mostly in the past, a few slightly in the future (a skewed clock).
            long back = r.nextInt(20) == 0 ? -r.nextInt(7200) : (long) (r.nextDouble() * spanSeconds);
            Instant t = now.minusSeconds(back);
            Instant slotStart = SnapshotNames.slotStart(t, slot);
            String region = r.nextInt(4) == 0 ? COPY_REGION : SOURCE_REGION;
            int owner = r.nextInt(10);
            SnapshotStatus status = status(r);
            Map<String, String> tags = new HashMap<>();
            String id;
            if (owner < 7) {
                tags.put(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE);
                tags.put(Snapshot.TAG_POLICY, owner == 0 ? "other" : "gold");
                tags.put(Snapshot.TAG_SLOT, RetentionSelector.slotTag(slotStart));
                id = SnapshotNames.name(db, slotStart);
            } else {
                id = "rds:" + db + "-" + i;
                if (owner == 8) {
                    tags.put(Snapshot.TAG_MANAGED_BY, "someone-else");
                    tags.put(Snapshot.TAG_POLICY, "gold");
                }
            }
            byKey.putIfAbsent(region + "/" + id, new Snapshot(id, db, region, t, status, tags, 100));
        }
        return new ArrayList<>(byKey.values());
    }

    static SnapshotStatus status(Random r) {
        int p = r.nextInt(20);
        if (p < 14) {
            return SnapshotStatus.AVAILABLE;
        }
        return switch (p) {
            case 14, 15 -> SnapshotStatus.CREATING;
            case 16 -> SnapshotStatus.COPYING;
            case 17, 18 -> SnapshotStatus.FAILED;
            default -> SnapshotStatus.DELETING;
        };
    }

    // ---- properties

    @Property(tries = 3000)
    void onlyManagedCompletedOrFailedSnapshots_areDeleted(@ForAll("scenarios") Scenario s) {
        for (PlannedAction a : s.plan().actions(PlannedAction.Type.DELETE)) {
            Snapshot d = a.subject();
            assertThat(d.managedBy("gold")).as("deleted %s", d).isTrue();
            assertThat(d.status()).as("deleted %s", d).isIn(SnapshotStatus.AVAILABLE, SnapshotStatus.FAILED);
        }
    }

    @Property(tries = 3000)
    void newestCompletedSnapshot_isNeverDeleted_inEitherRegion(@ForAll("scenarios") Scenario s) {
        BackupPlan plan = s.plan();
        Set<Snapshot> deleted = new HashSet<>();
        plan.actions(PlannedAction.Type.DELETE).forEach(a -> deleted.add(a.subject()));
        for (DatabaseRef db :
                plan.databases().stream().map(DatabasePlan::database).toList()) {
            for (String region : List.of(SOURCE_REGION, COPY_REGION)) {
                candidates(s, db.id(), region).stream()
                        .max(BackupPlannerPropertiesTest::newer)
                        .ifPresent(newest -> assertThat(deleted).doesNotContain(newest));
            }
        }
    }

    @Property(tries = 3000)
    void everyTierBucketWithACandidate_keepsOne_andTheFloorHolds(@ForAll("scenarios") Scenario s) {
        BackupPlan plan = s.plan();
        Set<Snapshot> deleted = new HashSet<>();
        plan.actions(PlannedAction.Type.DELETE).forEach(a -> deleted.add(a.subject()));
        for (DatabasePlan dp : plan.databases()) {
            checkRetention(s, dp.database().id(), SOURCE_REGION, s.policy().retention(), deleted);
            if (s.policy().copy() != null) {
                checkRetention(
                        s, dp.database().id(), COPY_REGION, s.policy().copy().retention(), deleted);
            }
        }
    }

    private static void checkRetention(Scenario s, String db, String region, Retention r, Set<Snapshot> deleted) {
        List<Snapshot> candidates = candidates(s, db, region);
        Instant oldest = r.maxAge() == null ? Instant.MIN : s.now().minus(r.maxAge());
        for (Retention.Tier tier : Retention.Tier.values()) {
            for (long bucket = 0; bucket < r.count(tier); bucket++) {
                long b = bucket;
                List<Snapshot> inBucket = candidates.stream()
                        .filter(c -> RetentionSelector.bucketsBack(s.now(), RetentionSelector.time(c), tier) == b)
                        .filter(c -> !RetentionSelector.time(c).isBefore(oldest))
                        .toList();
                if (!inBucket.isEmpty()) {
                    assertThat(inBucket)
                            .as("%s bucket %d in %s of %s", tier, b, region, db)
                            .anyMatch(c -> !deleted.contains(c));
                }
            }
        }
        List<Snapshot> newestFirst = new ArrayList<>(candidates);
        newestFirst.sort((a, b) -> newer(b, a));
        for (int i = 0; i < Math.min(r.keepAtLeast(), newestFirst.size()); i++) {
            assertThat(deleted).as("floor %d of %s", i, db).doesNotContain(newestFirst.get(i));
        }
    }

    @Property(tries = 2000)
    void repeatedRunAtTheSameTime_isANoOp(@ForAll("scenarios") Scenario s) {
        SimulatedSnapshotProvider provider = provider(s);
        BackupPlan first = s.plan();
        apply(first, s.policy(), provider);
        BackupPlan second = replan(s, provider);
        boolean deletedFailed = first.actions(PlannedAction.Type.DELETE).stream()
                .anyMatch(a -> a.subject().status() == SnapshotStatus.FAILED);
        if (!deletedFailed) {
            assertThat(changes(second)).as("second plan").isEmpty();
        } else {
            // A failed snapshot it deleted may be taken again (a retry); the run after that changes nothing.
            assertThat(second.actions(PlannedAction.Type.DELETE)).isEmpty();
            apply(second, s.policy(), provider);
            assertThat(changes(replan(s, provider))).as("third plan").isEmpty();
        }
        assertThat(second.actions(PlannedAction.Type.SHARE).stream()
                        .map(PlannedAction::snapshotId)
                        .toList())
                .isEqualTo(first.actions(PlannedAction.Type.SHARE).stream()
                        .map(PlannedAction::snapshotId)
                        .toList());
    }

    @Property(tries = 500)
    void theServiceRunTwiceAtTheSameTime_changesNothingTheSecondTime(@ForAll("scenarios") Scenario s) {
        boolean hasFailed =
                s.existing().values().stream().flatMap(List::stream).anyMatch(x -> x.status() == SnapshotStatus.FAILED);
        SimulatedSnapshotProvider provider = provider(s);
        SnapshotService service = new SnapshotService((d, m) -> {}, null, RetryPolicy.DEFAULT, d -> {}, new Random(1));
        Clock clock = Clock.fixed(s.now(), ZoneOffset.UTC);

        SnapshotRunSummary first = service.run(s.policy(), provider, clock, false);
        SnapshotRunSummary second = service.run(s.policy(), provider, clock, false);

        assertThat(first.ok()).as(first.toJson(false)).isTrue();
        assertThat(first.created() + first.copied() + first.deleted())
                .isEqualTo(changes(first.plan()).size());
        if (!hasFailed) {
            assertThat(second.created() + second.copied() + second.deleted())
                    .as(second.toJson(true))
                    .isZero();
        }
    }

    @Property(tries = 2000)
    void namesAreDeterministicAndValid(@ForAll("scenarios") Scenario s) {
        BackupPlan plan = s.plan();
        assertThat(s.plan()).isEqualTo(plan);
        Instant laterInSlot = plan.slotStart().plus(s.policy().slot()).minusSeconds(1);
        BackupPlan later = BackupPlanner.plan(laterInSlot, s.policy(), s.databases(), s.existing());
        for (PlannedAction a : plan.actions(PlannedAction.Type.CREATE)) {
            assertThat(SnapshotNames.isValidIdentifier(a.snapshotId()))
                    .as(a.snapshotId())
                    .isTrue();
            assertThat(a.snapshotId()).isEqualTo(SnapshotNames.name(a.databaseId(), plan.slotStart()));
            assertThat(later.actions(PlannedAction.Type.CREATE))
                    .extracting(PlannedAction::snapshotId)
                    .contains(a.snapshotId());
        }
        for (PlannedAction a : plan.actions(PlannedAction.Type.COPY)) {
            assertThat(a.snapshotId()).isEqualTo(a.subject().id());
            assertThat(a.region()).isEqualTo(COPY_REGION);
        }
    }

    @Property(tries = 1000)
    void everySelectedDatabase_getsAPlan_andEverySnapshotIsKeptOrDeleted(@ForAll("scenarios") Scenario s) {
        BackupPlan plan = s.plan();
        for (DatabasePlan dp : plan.databases()) {
            assertThat(dp.database().tags()).containsEntry(BackupPolicyLoader.DEFAULT_TAG_KEY, "gold");
            List<Snapshot> relevant = s.existing().get(dp.database().id()).stream()
                    .filter(x -> x.region().equals(SOURCE_REGION)
                            || (s.policy().copy() != null && x.region().equals(COPY_REGION)))
                    .toList();
            long deletes = dp.actions().stream()
                    .filter(a -> a.type() == PlannedAction.Type.DELETE)
                    .count();
            assertThat(dp.kept().size() + deletes).isEqualTo(relevant.size());
            dp.kept()
                    .forEach(k -> assertThat(k.reasons())
                            .as("reasons of %s", k.snapshot())
                            .isNotEmpty());
        }
        assertThat(plan.databases()).hasSize((int) s.databases().stream()
                .filter(d -> "gold".equals(d.tags().get(BackupPolicyLoader.DEFAULT_TAG_KEY)))
                .count());
    }

    // ---- helpers

    /** AVAILABLE snapshots managed by the policy, not after now. */
    static List<Snapshot> candidates(Scenario s, String db, String region) {
        return s.existing().getOrDefault(db, List.of()).stream()
                .filter(x -> x.region().equals(region))
                .filter(x -> x.managedBy("gold") && x.status() == SnapshotStatus.AVAILABLE)
                .filter(x -> !RetentionSelector.time(x).isAfter(s.now()))
                .toList();
    }

    static int newer(Snapshot a, Snapshot b) {
        int c = RetentionSelector.time(a).compareTo(RetentionSelector.time(b));
        return c != 0 ? c : b.id().compareTo(a.id());
    }

    static SimulatedSnapshotProvider provider(Scenario s) {
        SimulatedSnapshotProvider p = new SimulatedSnapshotProvider(Clock.fixed(s.now(), ZoneOffset.UTC));
        s.databases().forEach(p::addDatabase);
        s.existing().values().forEach(list -> list.forEach(p::addSnapshot));
        return p;
    }

    static BackupPlan replan(Scenario s, SimulatedSnapshotProvider p) {
        Map<String, List<Snapshot>> now = new HashMap<>();
        for (Snapshot x : p.allSnapshots()) {
            now.computeIfAbsent(x.databaseId(), k -> new ArrayList<>()).add(x);
        }
        return BackupPlanner.plan(s.now(), s.policy(), s.databases(), now);
    }

    /** Carries the plan out the way SnapshotService does, without retries. */
    static void apply(BackupPlan plan, BackupPolicy policy, SimulatedSnapshotProvider p) {
        for (DatabasePlan dp : plan.databases()) {
            for (PlannedAction a : dp.actions()) {
                switch (a.type()) {
                    case CREATE ->
                        p.createSnapshot(
                                dp.database(), a.snapshotId(), BackupPlanner.createTags(policy, plan.slotStart()));
                    case COPY ->
                        p.copySnapshot(
                                a.subject(),
                                a.region(),
                                policy.copy().kmsKeyId(),
                                a.snapshotId(),
                                BackupPlanner.copyTags(policy, a.subject()));
                    case SHARE -> p.shareSnapshot(a.subject(), policy.share().accounts());
                    case DELETE -> p.deleteSnapshot(a.subject());
                }
            }
        }
    }

    static List<PlannedAction> changes(BackupPlan plan) {
        return plan.actions().stream()
                .filter(a -> a.type() != PlannedAction.Type.SHARE)
                .toList();
    }
}
