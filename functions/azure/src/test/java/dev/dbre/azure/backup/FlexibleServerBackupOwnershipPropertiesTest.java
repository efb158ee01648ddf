package dev.dbre.azure.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.backup.BackupPlan;
import dev.dbre.backup.BackupPlanner;
import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.PlannedAction;
import dev.dbre.backup.SnapshotNames;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The planner's "never delete what is not the policy's" rule on Azure-shaped backup names: backups
 * carry no tags, so ownership is read from names alone ({@link FlexibleServerBackupProvider#snapshot}).
 * Only backups this policy created for this server may ever be deleted; hand-made ones ({@code
 * dbre-manual-20240101-0000}), another policy's, another server's, automatic ones, and ones that
 * merely have the old {@code dbre-<server>-<stamp>} shape never are.
 */
class FlexibleServerBackupOwnershipPropertiesTest {
    static final String REGION = "westeurope";
    static final List<String> SERVERS = List.of("orders", "manual", "orders-eu", "db-prod-1", "a");
    static final List<String> POLICIES = List.of("gold", "Gold.v2", "silver_1", "0000");
    static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

    /** One backup as Azure lists it, and whether this policy created it for this server. */
    record Backup(String name, Instant completed, boolean thePolicys) {}

    record World(Instant now, BackupPolicy policy, DatabaseRef server, List<Backup> backups) {
        FlexibleServerBackupProvider provider() {
            return new FlexibleServerBackupProvider(
                    null, "sub", "rg", policy.name(), Clock.fixed(now, ZoneOffset.UTC), null, 5432);
        }

        List<Snapshot> listed() {
            FlexibleServerBackupProvider p = provider();
            return backups.stream()
                    .map(b -> p.snapshot(b.name(), b.completed(), server.id(), REGION))
                    .toList();
        }

        BackupPlan plan() {
            return BackupPlanner.plan(now, policy, List.of(server), Map.of(server.id(), listed()));
        }

        @Override
        public String toString() {
            return "now=" + now + " policy=" + policy.name() + " server=" + server.id() + " backups=" + backups;
        }
    }

    @Provide
    Arbitrary<World> worlds() {
        return Arbitraries.randomValue(FlexibleServerBackupOwnershipPropertiesTest::world);
    }

    static World world(Random r) {
        Instant now = Instant.parse("2024-01-01T00:00:00Z").plusSeconds((long) (r.nextDouble() * 3 * 365 * 86400));
        Duration slot = r.nextBoolean() ? Duration.ofHours(1) : Duration.ofDays(1);
        String policyName = POLICIES.get(r.nextInt(POLICIES.size()));
        String serverId = SERVERS.get(r.nextInt(SERVERS.size()));
        BackupPolicy policy = new BackupPolicy(
                policyName,
                new BackupPolicy.Selection(List.of(REGION), BackupPolicyLoader.DEFAULT_TAG_KEY, policyName, List.of()),
                slot,
                new Retention(r.nextInt(3), r.nextInt(4), r.nextInt(3), r.nextInt(2), 0, r.nextInt(3), null),
                null,
                null);
        DatabaseRef server = new DatabaseRef(
                serverId,
                FlexibleServerBackupProvider.KIND,
                REGION,
                Map.of(BackupPolicyLoader.DEFAULT_TAG_KEY, policyName),
                false);
        Map<String, Backup> byName = new LinkedHashMap<>();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            Instant t = now.minusSeconds((long) (r.nextDouble() * 60 * 86400));
            Instant slotStart = SnapshotNames.slotStart(t, slot);
            String snapshot = SnapshotNames.name(serverId, slotStart);
            Instant completed = r.nextInt(8) == 0 ? null : t.plusSeconds(r.nextInt(600));
            String other = SERVERS.get(r.nextInt(SERVERS.size()));
            Backup b = switch (r.nextInt(8)) {
                case 0, 1, 2 ->
                    new Backup(FlexibleServerBackupProvider.backupName(snapshot, policyName), completed, true);
                // Another policy's backup of this server.
                case 3 ->
                    new Backup(
                            FlexibleServerBackupProvider.backupName(
                                    snapshot, policyName.equals("silver") ? "gold" : "silver"),
                            completed,
                            false);
                // The name pattern alone (as before policies were part of the name).
                case 4 -> new Backup(snapshot, completed, false);
                // Hand-made, dbre-looking.
                case 5 -> new Backup("dbre-manual-" + STAMP.format(slotStart), completed, false);
                // This policy's name, but another server's backup listed under this one.
                case 6 ->
                    other.equals(serverId)
                            ? new Backup("before-upgrade-" + i, completed, false)
                            : new Backup(
                                    FlexibleServerBackupProvider.backupName(
                                            SnapshotNames.name(other, slotStart), policyName),
                                    completed,
                                    false);
                // Automatic.
                default -> new Backup("backup_" + Math.abs(r.nextLong()), completed, false);
            };
            byName.putIfAbsent(b.name(), b);
        }
        return new World(now, policy, server, new ArrayList<>(byName.values()));
    }

    @Property(tries = 3000)
    void onlyBackupsThePolicyCreatedForTheServer_areEverDeleted(@ForAll("worlds") World w) {
        List<Snapshot> listed = w.listed();
        for (PlannedAction a : w.plan().actions(PlannedAction.Type.DELETE)) {
            Snapshot deleted = a.subject();
            Backup backup = w.backups().get(listed.indexOf(deleted));
            assertThat(backup.thePolicys()).as("deleted %s", backup).isTrue();
            // What the provider would send DELETE for is that very backup.
            assertThat(FlexibleServerBackupProvider.backupName(
                            deleted.id(), w.policy().name()))
                    .isEqualTo(backup.name());
        }
    }

    @Property(tries = 1000)
    void everyBackupThePolicyCreated_readsAsItsOwn_andNoOtherDoes(@ForAll("worlds") World w) {
        List<Snapshot> listed = w.listed();
        for (int i = 0; i < listed.size(); i++) {
            assertThat(listed.get(i).managedBy(w.policy().name()))
                    .as("%s", w.backups().get(i))
                    .isEqualTo(w.backups().get(i).thePolicys());
        }
    }

    @Example
    void retention_stillDeletesThePolicysOwnOldBackups() {
        Instant now = Instant.parse("2026-11-23T23:00:05Z");
        BackupPolicy policy = new BackupPolicy(
                "gold",
                new BackupPolicy.Selection(List.of(REGION), BackupPolicyLoader.DEFAULT_TAG_KEY, "gold", List.of()),
                Duration.ofDays(1),
                new Retention(0, 1, 0, 0, 0, 1, null),
                null,
                null);
        DatabaseRef server = new DatabaseRef(
                "orders", FlexibleServerBackupProvider.KIND, REGION, Map.of("dbre:backup-policy", "gold"), false);
        List<Backup> backups = List.of(
                new Backup("dbre-orders-20261120-0000-gold", Instant.parse("2026-11-20T00:10:00Z"), true),
                new Backup("dbre-orders-20261122-0000-gold", Instant.parse("2026-11-22T00:10:00Z"), true),
                new Backup("dbre-manual-20240101-0000", Instant.parse("2024-01-01T00:10:00Z"), false),
                new Backup("dbre-orders-20261119-0000", Instant.parse("2026-11-19T00:10:00Z"), false),
                new Backup("dbre-orders-20261118-0000-silver", Instant.parse("2026-11-18T00:10:00Z"), false));
        World w = new World(now, policy, server, backups);

        assertThat(w.plan().actions(PlannedAction.Type.DELETE))
                .extracting(a -> FlexibleServerBackupProvider.backupName(a.snapshotId(), "gold"))
                .containsExactly("dbre-orders-20261120-0000-gold");
    }
}
