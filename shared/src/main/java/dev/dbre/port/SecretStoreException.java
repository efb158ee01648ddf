package dev.dbre.port;

/** A secret store call failed. The message never contains a secret value. */
public class SecretStoreException extends RuntimeException {
    private final boolean retryable;

    public SecretStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
