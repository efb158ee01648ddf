package dev.dbre.backup;

/**
 * Why the planner keeps a snapshot.
 *
 * @param detail e.g. the tier's bucket ("daily 2026-11-23"), or "" when the kind says it all
 */
public record KeepReason(Kind kind, String detail) {
    public enum Kind {
        /** Not created by this tool under this policy: never touched. */
        NOT_MANAGED("not managed by this policy"),
        /** Still being created or copied: never deleted. */
        IN_PROGRESS("still creating/copying"),
        /** The provider is deleting it already. */
        DELETING("already being deleted"),
        /** The newest completed managed snapshot of the database in its region: never deleted. */
        NEWEST_COMPLETED("newest completed"),
        /** Among the keepAtLeast newest completed ones. */
        FLOOR("floor"),
        /** The newest completed one of a GFS tier's bucket. */
        TIER("tier"),
        /** A failed snapshot of the current slot: its name is the slot's, so it waits for the slot to pass. */
        FAILED_CURRENT_SLOT("failed in the current slot (deleted once the slot has passed)"),
        /** Its slot lies after the planner's clock: clock skew, never deleted. */
        AFTER_NOW("newer than the planner's clock");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public static KeepReason of(Kind kind) {
        return new KeepReason(kind, "");
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? kind.text() : kind == Kind.TIER ? detail : kind.text() + " (" + detail + ")";
    }
}
