package dev.dbre.rotation;

/**
 * A rotation step failed. {@link #error()} names the rule or the failure; the message says where
 * (secret, step, role) and never contains a password, a verifier or a secret value. Causes from
 * the driver are not attached (their text can echo SQL); their SQLSTATE is kept instead.
 */
public final class RotationException extends RuntimeException {
    private final RotationError error;
    private final boolean retryable;
    private final String sqlState;

    public RotationException(RotationError error, String message) {
        this(error, message, error.retryable(), null);
    }

    public RotationException(RotationError error, String message, boolean retryable, String sqlState) {
        super(error + ": " + message + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")"));
        this.error = error;
        this.retryable = retryable;
        this.sqlState = sqlState;
    }

    public RotationError error() {
        return error;
    }

    /** Whether the same step may succeed if run again later, unchanged. */
    public boolean retryable() {
        return retryable;
    }

    /** The SQLSTATE of the database failure behind this one, or null. */
    public String sqlState() {
        return sqlState;
    }
}
