package dev.dbre.port;

/** The provider's view of a snapshot, mapped to the states the planner reasons about. */
public enum SnapshotStatus {
    /** Being created: never deleted. */
    CREATING,
    /** Being copied to another region: never deleted. */
    COPYING,
    /** Complete and usable. */
    AVAILABLE,
    /** Failed: may be deleted by retention when managed. */
    FAILED,
    /** Being deleted. */
    DELETING
}
