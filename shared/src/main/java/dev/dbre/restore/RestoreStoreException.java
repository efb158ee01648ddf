package dev.dbre.restore;

import dev.dbre.db.SqlStates;
import java.sql.SQLException;

/** {@code restore_runs} could not be read or written; {@link #retryable()} for transient faults. */
public final class RestoreStoreException extends RuntimeException {
    private final boolean retryable;

    public RestoreStoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.retryable = SqlStates.isTransient(cause);
    }

    public boolean retryable() {
        return retryable;
    }
}
