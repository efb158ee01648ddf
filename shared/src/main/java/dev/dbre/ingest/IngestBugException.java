package dev.dbre.ingest;

/**
 * Thrown by an ingest handler when records were not stored because of a fault that is not theirs
 * and that retrying meets again ({@link RecordOutcome#BUG}, or trigger metadata that cannot key the
 * events): the invocation fails, so the platform counts an error and applies its own bounded retry
 * and failure destination (Kinesis: {@code MaximumRetryAttempts} and {@code OnFailure}; Pub/Sub:
 * the dead-letter topic; Event Hubs: the function's own bound, {@code
 * DBRE_EVENTHUB_MAX_BUG_RETRIES}). The message names the first record and the fault, never a
 * secret.
 */
public final class IngestBugException extends RuntimeException {
    public IngestBugException(String message) {
        super(message);
    }

    public IngestBugException(String message, Throwable cause) {
        super(message, cause);
    }
}
