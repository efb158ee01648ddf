package dev.dbre.port;

/**
 * A provider call failed. {@link #retryable()} is true for throttling (rate limits) and transient
 * faults; quota errors (e.g. SnapshotQuotaExceeded) are not retryable: the quota counts snapshots,
 * so waiting frees nothing.
 */
public class ProviderException extends RuntimeException {
    private final String code;
    private final boolean retryable;

    /** @param code the provider's error code (e.g. "Throttling", "SnapshotQuotaExceeded") */
    public ProviderException(String code, String message, boolean retryable, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
