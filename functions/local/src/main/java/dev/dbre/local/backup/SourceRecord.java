package dev.dbre.local.backup;

import java.time.Instant;
import java.util.Map;

/**
 * {@code source.json}: a database whose WAL this provider archives, kept on disk so that a later
 * process (the {@code dbre restore} command) can restore from it while it is not running.
 *
 * @param latest the latest restorable time last measured (a marker commit archived), or null
 */
record SourceRecord(
        String id, String kind, String region, Map<String, String> tags, boolean production, Instant latest) {
    SourceRecord {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    SourceRecord withLatest(Instant t) {
        return new SourceRecord(id, kind, region, tags, production, t);
    }
}
