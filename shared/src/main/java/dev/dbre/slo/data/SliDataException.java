package dev.dbre.slo.data;

/**
 * The database could not answer an SLI question (unreachable, a missing table: the schema is older
 * than V12). The message names the source asked about; the cause is the database's error.
 */
public final class SliDataException extends RuntimeException {
    public SliDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
