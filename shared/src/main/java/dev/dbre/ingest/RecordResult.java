package dev.dbre.ingest;

/**
 * The outcome for one source record.
 *
 * @param failure for FAILED and BUG, a short description of the fault (never a secret); else null
 */
public record RecordResult(
        String shard,
        String sequence,
        int subSequence,
        RecordOutcome outcome,
        int stored,
        int rejected,
        String failure) {}
