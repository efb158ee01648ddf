package dev.dbre.ingest;

/** What became of one source record. */
public enum RecordOutcome {
    /** Every line stored. */
    STORED,
    /** Stored; some lines were rejected and kept in ingest_rejects. */
    STORED_WITH_REJECTS,
    /** Already stored by an earlier delivery; nothing written again. */
    DUPLICATE,
    /**
     * Not stored: its key was stored before with another payload ({@link
     * SourceRecord#payloadSha256()} differs). Retrying the same bytes cannot help.
     */
    CONFLICT,
    /** Not stored because of a transient fault; the trigger must deliver it again. */
    FAILED,
    /**
     * Not stored because of a fault that is not the record's and that a retry meets again (a bug,
     * a missing table, a revoked grant): logged at error level; the trigger retries it by its own
     * bounded policy and then hands it to its failure destination.
     */
    BUG;

    /** True when the trigger must retry this record. */
    public boolean mustRetry() {
        return this == FAILED || this == BUG;
    }
}
