package dev.dbre.port;

import java.util.UUID;

/**
 * What one restore run created, or tried to create: the database {@code newName}, owned by run
 * {@code runId} (the id it is tagged with), and the reference {@link RestoreProvider#startRestore}
 * returned for it.
 *
 * @param startRef the provider's reference to the restore it started (Cloud SQL: the clone
 *     operation), or null
 */
public record RestoreTarget(UUID runId, String newName, String startRef) {}
