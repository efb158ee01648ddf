package dev.dbre.restore;

/**
 * The states of a restore run. REQUESTED → RESTORING → AVAILABLE → VERIFYING → VERIFIED, or
 * FAILED from any of them; a drill then goes to CLEANED_UP (its database deleted).
 */
public enum RestoreState {
    REQUESTED,
    RESTORING,
    AVAILABLE,
    VERIFYING,
    VERIFIED,
    FAILED,
    CLEANED_UP;

    /** True when no further step applies: CLEANED_UP, or VERIFIED/FAILED for a restore kept. */
    public boolean terminal(boolean drill) {
        return this == CLEANED_UP || (!drill && (this == VERIFIED || this == FAILED));
    }
}
