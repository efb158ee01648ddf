package dev.dbre.ingest;

import java.util.List;

/**
 * The outcome of one batch: one {@link RecordResult} per source record, in input order, and the
 * totals written to {@code ingest_batches}.
 *
 * @param batchId the ingest_batches row, or -1 when the batch failed before one was committed
 * @param firstRejectLine for the first rejected line in the batch (HTTP 400 names it): its
 *     1-based line number, else 0
 * @param firstRejectReason reason of that line, else null
 * @param ignoredFields fields skipped on stored lines because their kind of line does not know
 *     them (a newer client's; docs/ingest-format.md)
 */
public record BatchResult(
        long batchId,
        List<RecordResult> records,
        long stored,
        long rejected,
        int duplicates,
        long parseNanos,
        long storeNanos,
        int firstRejectLine,
        RejectReason firstRejectReason,
        long ignoredFields) {
    public BatchResult {
        records = List.copyOf(records);
    }

    /** A result without ignored fields (a failed batch, a test's canned answer). */
    public BatchResult(
            long batchId,
            List<RecordResult> records,
            long stored,
            long rejected,
            int duplicates,
            long parseNanos,
            long storeNanos,
            int firstRejectLine,
            RejectReason firstRejectReason) {
        this(
                batchId,
                records,
                stored,
                rejected,
                duplicates,
                parseNanos,
                storeNanos,
                firstRejectLine,
                firstRejectReason,
                0);
    }

    /** The records the trigger must deliver again. */
    public List<RecordResult> failed() {
        return records.stream().filter(r -> r.outcome().mustRetry()).toList();
    }

    /**
     * True when a record was not stored because of a bug ({@link RecordOutcome#BUG}): the handler
     * fails the invocation, so the platform's error count and bounded retry see it.
     */
    public boolean failedByBug() {
        return records.stream().anyMatch(r -> r.outcome() == RecordOutcome.BUG);
    }

    /** True when lines were received but every one was rejected. */
    public boolean nothingParsed() {
        return stored == 0 && rejected > 0 && failed().isEmpty();
    }
}
