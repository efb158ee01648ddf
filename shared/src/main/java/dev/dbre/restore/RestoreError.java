package dev.dbre.restore;

/**
 * Why a restore request was refused or a run could not be found: one code per rule, with the HTTP
 * status a handler answers with. Refusals change nothing (no run row, no provider call that
 * creates or deletes).
 */
public enum RestoreError {
    /** The request is not valid JSON, a field is missing, unknown or of the wrong type. */
    BAD_REQUEST(400),
    /** The production source was not confirmed: {@code confirmProduction} must equal its id. */
    CONFIRMATION_REQUIRED(403),
    /** No database with the source id. */
    SOURCE_NOT_FOUND(404),
    /**
     * The snapshot asked for is not there or not completed: no snapshot with the id, or none
     * completed of the policy or in the region.
     */
    SNAPSHOT_NOT_FOUND(404),
    /** The provider cannot do what the request asks (Flexible Server: restore from a snapshot). */
    UNSUPPORTED(422),
    /** No restore run with that id. */
    RUN_NOT_FOUND(404),
    /** A database (or a restore in progress) already has the new name. */
    NAME_TAKEN(409),
    /** The target time lies outside the source's restorable window (or it has none yet). */
    TARGET_OUTSIDE_WINDOW(422);

    private final int httpStatus;

    RestoreError(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
