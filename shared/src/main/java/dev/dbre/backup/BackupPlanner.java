package dev.dbre.backup;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The snapshot function's planner: a pure function of (now, policy, databases, existing
 * snapshots). It creates one snapshot per database per slot (named by {@link SnapshotNames}, so a
 * repeated run in the same slot creates nothing new), copies what the copy region's retention
 * wants, shares the newest completed snapshot, and deletes what retention ({@link
 * RetentionSelector}) lets go — only ever snapshots managed by this policy, never the newest
 * completed one, never one being created or copied.
 */
public final class BackupPlanner {
    private BackupPlanner() {}

    /**
     * Plans one run.
     *
     * @param databases every database the provider reported in the policy's regions; the policy's
     *     selection picks from them
     * @param existing the snapshots of each database by database id, in its own region and in the
     *     copy region (others are ignored)
     */
    public static BackupPlan plan(
            Instant now, BackupPolicy policy, List<DatabaseRef> databases, Map<String, List<Snapshot>> existing) {
        Instant slot = SnapshotNames.slotStart(now, policy.slot());
        List<DatabaseRef> selected = databases.stream()
                .filter(policy.selection()::selects)
                .sorted(Comparator.comparing(DatabaseRef::region).thenComparing(DatabaseRef::id))
                .toList();
        List<String> missing = new ArrayList<>();
        if (policy.selection().byIds()) {
            Set<String> found = new HashSet<>();
            selected.forEach(d -> found.add(d.id()));
            policy.selection().databaseIds().stream()
                    .filter(id -> !found.contains(id))
                    .forEach(missing::add);
        }
        List<DatabasePlan> plans = new ArrayList<>(selected.size());
        for (DatabaseRef db : selected) {
            plans.add(planDatabase(now, slot, policy, db, existing.getOrDefault(db.id(), List.of())));
        }
        return new BackupPlan(policy.name(), now, slot, plans, missing);
    }

    private static DatabasePlan planDatabase(
            Instant now, Instant slot, BackupPolicy policy, DatabaseRef db, List<Snapshot> snapshots) {
        List<Snapshot> local = snapshots.stream()
                .filter(s -> s.region().equals(db.region()))
                .sorted(Comparator.comparing(Snapshot::id))
                .toList();
        List<PlannedAction> creates = new ArrayList<>();
        List<PlannedAction> deletes = new ArrayList<>();
        List<PlannedAction> shares = new ArrayList<>();
        List<KeptSnapshot> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        String name = SnapshotNames.name(db.id(), slot);
        Snapshot inProgress = local.stream()
                .filter(s -> s.status() == SnapshotStatus.CREATING)
                .findFirst()
                .orElse(null);
        if (local.stream().anyMatch(s -> s.id().equalsIgnoreCase(name))) {
            notes.add("slot " + slot + " has its snapshot " + name + " already");
        } else if (inProgress != null) {
            notes.add("not creating " + name + ": snapshot " + inProgress.id() + " is still being created");
        } else {
            creates.add(new PlannedAction(
                    PlannedAction.Type.CREATE,
                    db.id(),
                    db.region(),
                    name,
                    null,
                    "slot " + slot + " has no snapshot yet"));
        }

        List<RetentionSelector.Decision> decisions =
                RetentionSelector.decide(now, policy.name(), policy.retention(), local, name);
        collect(decisions, db, deletes, kept);

        if (policy.share() != null) {
            decisions.stream()
                    .filter(d -> d.keep().stream().anyMatch(r -> r.kind() == KeepReason.Kind.NEWEST_COMPLETED))
                    .findFirst()
                    .ifPresent(d -> shares.add(new PlannedAction(
                            PlannedAction.Type.SHARE,
                            db.id(),
                            db.region(),
                            d.snapshot().id(),
                            d.snapshot(),
                            "newest completed, shared with "
                                    + String.join(", ", policy.share().accounts()))));
        }

        if (policy.copy() != null) {
            planCopies(now, policy, db, snapshots, decisions, creates, deletes, kept);
        }
        List<PlannedAction> actions = new ArrayList<>(creates);
        actions.addAll(shares);
        actions.addAll(deletes);
        return new DatabasePlan(db, actions, kept, notes);
    }

    private static void planCopies(
            Instant now,
            BackupPolicy policy,
            DatabaseRef db,
            List<Snapshot> snapshots,
            List<RetentionSelector.Decision> sourceDecisions,
            List<PlannedAction> creates,
            List<PlannedAction> deletes,
            List<KeptSnapshot> kept) {
        BackupPolicy.CopyRule rule = policy.copy();
        List<Snapshot> copies = snapshots.stream()
                .filter(s -> s.region().equals(rule.region()))
                .sorted(Comparator.comparing(Snapshot::id))
                .toList();
        Set<String> copyIds = new HashSet<>();
        copies.forEach(c -> copyIds.add(c.id().toLowerCase(java.util.Locale.ROOT)));

        // The copy a kept, completed source snapshot would get, if the copy region's retention wants it.
        Map<String, Snapshot> sourceOf = new HashMap<>();
        List<Snapshot> planned = new ArrayList<>();
        for (RetentionSelector.Decision d : sourceDecisions) {
            Snapshot s = d.snapshot();
            if (d.deleted()
                    || s.status() != SnapshotStatus.AVAILABLE
                    || !s.managedBy(policy.name())
                    || copyIds.contains(s.id().toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            Snapshot copy = new Snapshot(
                    s.id(),
                    db.id(),
                    rule.region(),
                    s.createdAt(),
                    SnapshotStatus.COPYING,
                    copyTags(policy, s),
                    s.sizeBytes());
            planned.add(copy);
            sourceOf.put(copy.id(), s);
        }
        // Decide the existing copies first: one retention is about to delete must not stand in for a
        // planned copy of its bucket (the next run would then copy after all).
        List<RetentionSelector.Decision> copyDecisions =
                RetentionSelector.decide(now, policy.name(), rule.retention(), copies, null);
        List<Snapshot> keptCopies = copyDecisions.stream()
                .filter(d -> !d.deleted())
                .map(RetentionSelector.Decision::snapshot)
                .toList();
        Set<String> wanted = RetentionSelector.wantedPlanned(now, policy.name(), rule.retention(), keptCopies, planned);
        for (Snapshot copy : planned) {
            if (wanted.contains(copy.id())) {
                creates.add(new PlannedAction(
                        PlannedAction.Type.COPY,
                        db.id(),
                        rule.region(),
                        copy.id(),
                        sourceOf.get(copy.id()),
                        "completed in " + db.region() + ", no copy in " + rule.region() + " yet"));
            }
        }
        collect(copyDecisions, db, deletes, kept);
    }

    private static void collect(
            List<RetentionSelector.Decision> decisions,
            DatabaseRef db,
            List<PlannedAction> deletes,
            List<KeptSnapshot> kept) {
        for (RetentionSelector.Decision d : decisions) {
            if (d.deleted()) {
                Snapshot s = d.snapshot();
                deletes.add(
                        new PlannedAction(PlannedAction.Type.DELETE, db.id(), s.region(), s.id(), s, d.deleteReason()));
            } else {
                kept.add(new KeptSnapshot(d.snapshot(), d.keep()));
            }
        }
    }

    /** The tags of a snapshot this policy creates in {@code slotStart}'s slot. */
    public static Map<String, String> createTags(BackupPolicy policy, Instant slotStart) {
        Map<String, String> tags = new HashMap<>(policy.managedTags());
        tags.put(Snapshot.TAG_SLOT, RetentionSelector.slotTag(slotStart));
        return Map.copyOf(tags);
    }

    /** The tags of the copy of {@code source}: the policy's, the source's slot, and where it came from. */
    public static Map<String, String> copyTags(BackupPolicy policy, Snapshot source) {
        Map<String, String> tags = new HashMap<>(policy.managedTags());
        tags.put(Snapshot.TAG_SLOT, RetentionSelector.slotTag(RetentionSelector.time(source)));
        tags.put(Snapshot.TAG_COPY_OF, source.id());
        tags.put(Snapshot.TAG_SOURCE_REGION, source.region());
        return Map.copyOf(tags);
    }
}
