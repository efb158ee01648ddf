package dev.dbre.azure.ingest;

/**
 * Thrown from the Event Hubs function when records could not be stored because of a transient
 * fault. The Functions host then retries the whole batch (the function's retry policy); the
 * records already stored come back DUPLICATE and are not written twice.
 */
public final class IngestNotStoredException extends RuntimeException {
    public IngestNotStoredException(String message) {
        super(message);
    }
}
