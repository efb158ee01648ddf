package dev.dbre.aws.event;

/**
 * A trigger's event that does not have the shape its handler reads: the message names the field and
 * what was wrong. Not retryable: the same event fails the same way (Lambda's retries, then the
 * trigger's dead-letter destination, apply).
 */
public final class BadEventException extends IllegalArgumentException {
    private final String field;

    /**
     * @param field the event field that is wrong, as the event spells it
     * @param problem what is wrong with it, e.g. "must be true or false, was 'yes'"
     */
    public BadEventException(String field, String problem) {
        super("event field '" + field + "' " + problem);
        this.field = field;
    }

    /** The event field that is wrong. */
    public String field() {
        return field;
    }
}
