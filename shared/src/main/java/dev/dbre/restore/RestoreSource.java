package dev.dbre.restore;

import dev.dbre.backup.DatabaseRef;

/** A database that can be restored from, with its current restorable window. */
public record RestoreSource(DatabaseRef database, RestoreWindow window) {}
