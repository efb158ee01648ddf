package dev.dbre.port;

/**
 * A database that can be restored from, with its current restorable window.
 *
 * @param window null while the source has nothing to restore from yet (no completed backup, or the
 *     provider reports no restorable times, as Aurora does while a restore runs): requests for it
 *     are refused with TARGET_OUTSIDE_WINDOW
 */
public record RestoreSource(DatabaseRef database, RestoreWindow window) {}
