package dev.dbre.rotation;

/** What one step did, for the handler's log line and the command line's progress line. */
public record StepResult(String secretId, String token, RotationStep step, Action action, String detail) {
    /** What a step did; the {@code ALREADY_*} and {@code KEPT_*} actions are the idempotent repeats. */
    public enum Action {
        /** The token is already CURRENT: the gate returned with nothing to do. */
        ALREADY_CURRENT,
        /** createSecret stored a new PENDING value. */
        PENDING_CREATED,
        /** createSecret found the PENDING value of this token and kept it. */
        PENDING_KEPT,
        /** setSecret changed the password (single) or created/updated the alternate user. */
        PASSWORD_SET,
        /** setSecret found that PENDING already logs in. */
        ALREADY_SET,
        /** testSecret logged in with PENDING (and took the owner role, where one is configured). */
        TESTED,
        /** finishSecret moved CURRENT to the token; the old version is PREVIOUS. */
        FINISHED
    }

    @Override
    public String toString() {
        return step.wireName() + " " + action + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }
}
