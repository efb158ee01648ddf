package dev.dbre.backup;

/** A provider call failed; {@link #retryable()} for throttling, quota and transient faults. */
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
