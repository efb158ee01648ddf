package dev.dbre.metrics;

import dev.dbre.db.SqlStates;
import java.sql.SQLException;

/**
 * A maintenance run failed on the database. Every step is safe to run again, so the functions
 * rethrow it and let the platform retry or alert; {@link #retryable()} says whether the fault looked
 * transient (a lost connection, a deadlock) rather than a schema or permission fault.
 */
public final class MaintenanceException extends RuntimeException {
    private final boolean retryable;

    public MaintenanceException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.retryable = SqlStates.isTransient(cause);
    }

    public boolean retryable() {
        return retryable;
    }
}
