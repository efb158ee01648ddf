package dev.dbre.port;

/**
 * A provider call failed. {@link #error()} is the kind the core decides on ({@link
 * ProviderError#retryable()}); {@link #code()} and the message are the provider's own, kept for the
 * operator. The message reads {@code "<code>: <what was being done>: <provider's message>"}, as
 * snapshot run failures and restore reasons have always shown it.
 */
public class ProviderException extends RuntimeException {
    private final ProviderError error;
    private final String code;

    /**
     * @param error the kind of failure
     * @param code the provider's error code (e.g. "Throttling", "SnapshotQuotaExceeded", "HTTP409")
     */
    public ProviderException(ProviderError error, String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        if (error == null) {
            throw new IllegalArgumentException("a provider error needs a kind (code " + code + ")");
        }
        this.error = error;
        this.code = code;
    }

    /** The kind of failure. */
    public ProviderError error() {
        return error;
    }

    /** The provider's own error code. */
    public String code() {
        return code;
    }

    /** {@link ProviderError#retryable()} of {@link #error()}. */
    public boolean retryable() {
        return error.retryable();
    }
}
