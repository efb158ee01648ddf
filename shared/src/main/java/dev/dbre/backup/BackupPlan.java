package dev.dbre.backup;

import java.time.Instant;
import java.util.List;

/**
 * What one run of a policy does, computed by {@link BackupPlanner#plan}.
 *
 * @param slotStart the start of the slot holding {@code now}: new snapshots are named after it
 * @param missingDatabases ids the policy names that no provider region reported
 */
public record BackupPlan(
        String policy, Instant now, Instant slotStart, List<DatabasePlan> databases, List<String> missingDatabases) {
    public BackupPlan {
        databases = List.copyOf(databases);
        missingDatabases = List.copyOf(missingDatabases);
    }

    /** Every action, database by database. */
    public List<PlannedAction> actions() {
        return databases.stream().flatMap(d -> d.actions().stream()).toList();
    }

    /** Every action of {@code type}. */
    public List<PlannedAction> actions(PlannedAction.Type type) {
        return actions().stream().filter(a -> a.type() == type).toList();
    }
}
