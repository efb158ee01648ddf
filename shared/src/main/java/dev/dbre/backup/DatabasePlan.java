package dev.dbre.backup;

import dev.dbre.port.DatabaseRef;
import java.util.List;

/**
 * The plan for one database: its actions (creates and copies first, then shares, then deletes),
 * every snapshot it keeps and why, and notes (e.g. a create skipped because one is in progress).
 */
public record DatabasePlan(
        DatabaseRef database, List<PlannedAction> actions, List<KeptSnapshot> kept, List<String> notes) {
    public DatabasePlan {
        actions = List.copyOf(actions);
        kept = List.copyOf(kept);
        notes = List.copyOf(notes);
    }
}
