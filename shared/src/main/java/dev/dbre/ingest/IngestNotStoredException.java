package dev.dbre.ingest;

/**
 * Thrown from a cloud's ingest function when records could not be stored because of a transient
 * fault, so that the trigger delivers them again: the Event Hubs host retries the batch (its retry
 * policy), Pub/Sub gets a 500 and redelivers the message (the subscription's retry policy). A
 * redelivery never stores a point twice: what was stored comes back DUPLICATE.
 */
public final class IngestNotStoredException extends RuntimeException {
    public IngestNotStoredException(String message) {
        super(message);
    }
}
