package dev.dbre.restore;

/**
 * A restore request refused before anything changed, with the rule that failed ({@link #error()})
 * and the request field it concerns ({@link #field()}, may be null). Not retryable: the same
 * request would be refused again.
 */
public final class RestoreRejectedException extends RuntimeException {
    private final RestoreError error;
    private final String field;

    public RestoreRejectedException(RestoreError error, String field, String message) {
        super(error + (field == null ? "" : " (" + field + ")") + ": " + message);
        this.error = error;
        this.field = field;
    }

    public RestoreError error() {
        return error;
    }

    public String field() {
        return field;
    }
}
