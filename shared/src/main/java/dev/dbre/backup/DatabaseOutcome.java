package dev.dbre.backup;

import dev.dbre.port.Snapshot;
import java.util.List;

/**
 * What one run did to one database.
 *
 * @param region the database's region
 * @param failures one line per failed step ("create dbre-x-...: Throttling: Rate exceeded")
 * @param newestCompleted the newest AVAILABLE snapshot of this policy in the database's region
 *     when the run listed them, or null
 * @param newestCopy the same in the copy region, or null
 */
public record DatabaseOutcome(
        String databaseId,
        String region,
        int created,
        int copied,
        int deleted,
        int shared,
        List<String> failures,
        Snapshot newestCompleted,
        Snapshot newestCopy) {
    public DatabaseOutcome {
        failures = List.copyOf(failures);
    }
}
