package dev.dbre.restore;

/**
 * The states of a restore run. REQUESTED → RESTORING → AVAILABLE → VERIFYING → VERIFIED, or
 * FAILED from any of them (also when the run's deadline passes first); a drill then goes to
 * CLEANED_UP (its database deleted, or none of its own found), or to CLEANUP_FAILED when the
 * deletion failed its bounded attempts (the run's {@code lastError} names the database left).
 */
public enum RestoreState {
    REQUESTED,
    RESTORING,
    AVAILABLE,
    VERIFYING,
    VERIFIED,
    FAILED,
    CLEANED_UP,
    CLEANUP_FAILED;

    /**
     * True when no further step applies: CLEANED_UP, CLEANUP_FAILED, or VERIFIED/FAILED for a
     * restore kept.
     */
    public boolean terminal(boolean drill) {
        return this == CLEANED_UP || this == CLEANUP_FAILED || (!drill && (this == VERIFIED || this == FAILED));
    }

    /** True while the restore itself is under way (the states the deadline applies to). */
    public boolean inProgress() {
        return this == REQUESTED || this == RESTORING || this == AVAILABLE || this == VERIFYING;
    }
}
