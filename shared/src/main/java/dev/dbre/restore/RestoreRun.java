package dev.dbre.restore;

import dev.dbre.port.RestoreTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One restore run as stored in {@code restore_runs}.
 *
 * @param targetTime null when restoring to the latest restorable time
 * @param outcome VERIFIED or FAILED once known (kept when a drill is CLEANED_UP), else null
 * @param verificationJson one result per verification query, as JSON, once verified
 * @param attempts retryable provider faults met in the current state
 * @param recoverySeconds request to verified, once VERIFIED
 * @param deadline the run fails if still in progress at this time ({@link RestoreState#inProgress})
 * @param startRef what the provider's start returned ({@link RestoreTarget#startRef}), or null
 */
public record RestoreRun(
        UUID runId,
        String requestKey,
        String sourceId,
        String newName,
        Instant targetTime,
        boolean drill,
        RestoreRequest request,
        RestoreState state,
        RestoreState outcome,
        String failureReason,
        String endpointHost,
        int endpointPort,
        String verificationJson,
        int attempts,
        String lastError,
        Instant requestedAt,
        Instant updatedAt,
        Instant verifiedAt,
        Double recoverySeconds,
        Instant deadline,
        String startRef) {

    public boolean finished() {
        return state.terminal(drill);
    }

    /** What this run creates, for the provider. */
    public RestoreTarget target() {
        return new RestoreTarget(runId, newName, startRef);
    }

    /** True when the run is still in progress at or after its deadline. */
    boolean pastDeadline(Instant now) {
        return state.inProgress() && deadline != null && !now.isBefore(deadline);
    }

    /** The recovery time, once verified. */
    public Duration recoveryTime() {
        return recoverySeconds == null ? null : Duration.ofMillis(Math.round(recoverySeconds * 1000));
    }

    RestoreRun moveTo(RestoreState next, Instant now) {
        return with(d -> d.advance(next, now));
    }

    RestoreRun started(String ref, Instant now) {
        return with(d -> {
            d.advance(RestoreState.RESTORING, now);
            d.startRef = ref;
        });
    }

    /** The outcome stays as it was (a VERIFIED drill stays VERIFIED); the error names what was left. */
    RestoreRun cleanupFailed(String error, Instant now) {
        return with(d -> {
            d.advance(RestoreState.CLEANUP_FAILED, now);
            d.lastError = error;
        });
    }

    RestoreRun failed(String reason, Instant now) {
        return with(d -> {
            d.advance(RestoreState.FAILED, now);
            d.outcome = RestoreState.FAILED;
            d.failureReason = reason;
        });
    }

    RestoreRun available(String host, int port, Instant now) {
        return with(d -> {
            d.advance(RestoreState.AVAILABLE, now);
            d.endpointHost = host;
            d.endpointPort = port;
        });
    }

    RestoreRun verified(String results, Instant now) {
        double seconds = Duration.between(requestedAt, now).toNanos() / 1e9;
        return with(d -> {
            d.advance(RestoreState.VERIFIED, now);
            d.outcome = RestoreState.VERIFIED;
            d.failureReason = null;
            d.verificationJson = results;
            d.verifiedAt = now;
            d.recoverySeconds = seconds;
        });
    }

    RestoreRun withVerification(String results) {
        return with(d -> d.verificationJson = results);
    }

    RestoreRun touched(Instant now) {
        return with(d -> d.updatedAt = now);
    }

    RestoreRun retryLater(String error, Instant now) {
        return with(d -> {
            d.attempts = attempts + 1;
            d.lastError = error;
            d.updatedAt = now;
        });
    }

    /** A copy with the fields {@code change} sets; the identity and request fields never change. */
    private RestoreRun with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                d.state,
                d.outcome,
                d.failureReason,
                d.endpointHost,
                d.endpointPort,
                d.verificationJson,
                d.attempts,
                d.lastError,
                requestedAt,
                d.updatedAt,
                d.verifiedAt,
                d.recoverySeconds,
                deadline,
                d.startRef);
    }

    /** The fields a transition may change, mutable only while one copy is built. */
    private static final class Draft {
        RestoreState state;
        RestoreState outcome;
        String failureReason;
        String endpointHost;
        int endpointPort;
        String verificationJson;
        int attempts;
        String lastError;
        Instant updatedAt;
        Instant verifiedAt;
        Double recoverySeconds;
        String startRef;

        Draft(RestoreRun run) {
            state = run.state;
            outcome = run.outcome;
            failureReason = run.failureReason;
            endpointHost = run.endpointHost;
            endpointPort = run.endpointPort;
            verificationJson = run.verificationJson;
            attempts = run.attempts;
            lastError = run.lastError;
            updatedAt = run.updatedAt;
            verifiedAt = run.verifiedAt;
            recoverySeconds = run.recoverySeconds;
            startRef = run.startRef;
        }

        /** A new state starts with a clean retry count. */
        void advance(RestoreState next, Instant now) {
            state = next;
            attempts = 0;
            lastError = null;
            updatedAt = now;
        }
    }
}
