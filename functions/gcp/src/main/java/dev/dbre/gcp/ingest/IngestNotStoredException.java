package dev.dbre.gcp.ingest;

/**
 * Thrown from the Pub/Sub function when the message could not be stored because of a transient
 * fault: the Functions Framework answers 500, so Pub/Sub does not acknowledge the message and
 * delivers it again (with the subscription's retry policy). A redelivery never stores a point
 * twice.
 */
public final class IngestNotStoredException extends RuntimeException {
    public IngestNotStoredException(String message) {
        super(message);
    }
}
