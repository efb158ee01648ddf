package dev.dbre.restore;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One restore run as stored in {@code restore_runs}.
 *
 * @param targetTime null when restoring to the latest restorable time
 * @param outcome VERIFIED or FAILED once known (kept when a drill is CLEANED_UP), else null
 * @param verificationJson one result per verification query, as JSON, once verified
 * @param attempts retryable provider faults met in the current state
 * @param recoverySeconds request to verified, once VERIFIED
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
        Double recoverySeconds) {

    public boolean finished() {
        return state.terminal(drill);
    }

    /** The recovery time, once verified. */
    public Duration recoveryTime() {
        return recoverySeconds == null ? null : Duration.ofMillis(Math.round(recoverySeconds * 1000));
    }

    RestoreRun moveTo(RestoreState next, Instant now) {
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                next,
                outcome,
                failureReason,
                endpointHost,
                endpointPort,
                verificationJson,
                0,
                null,
                requestedAt,
                now,
                verifiedAt,
                recoverySeconds);
    }

    RestoreRun failed(String reason, Instant now) {
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                RestoreState.FAILED,
                RestoreState.FAILED,
                reason,
                endpointHost,
                endpointPort,
                verificationJson,
                0,
                null,
                requestedAt,
                now,
                verifiedAt,
                recoverySeconds);
    }

    RestoreRun available(String host, int port, Instant now) {
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                RestoreState.AVAILABLE,
                outcome,
                failureReason,
                host,
                port,
                verificationJson,
                0,
                null,
                requestedAt,
                now,
                verifiedAt,
                recoverySeconds);
    }

    RestoreRun verified(String results, Instant now) {
        double seconds = Duration.between(requestedAt, now).toNanos() / 1e9;
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                RestoreState.VERIFIED,
                RestoreState.VERIFIED,
                null,
                endpointHost,
                endpointPort,
                results,
                0,
                null,
                requestedAt,
                now,
                now,
                seconds);
    }

    RestoreRun withVerification(String results) {
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                state,
                outcome,
                failureReason,
                endpointHost,
                endpointPort,
                results,
                attempts,
                lastError,
                requestedAt,
                updatedAt,
                verifiedAt,
                recoverySeconds);
    }

    RestoreRun touched(Instant now) {
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                state,
                outcome,
                failureReason,
                endpointHost,
                endpointPort,
                verificationJson,
                attempts,
                lastError,
                requestedAt,
                now,
                verifiedAt,
                recoverySeconds);
    }

    RestoreRun retryLater(String error, Instant now) {
        return new RestoreRun(
                runId,
                requestKey,
                sourceId,
                newName,
                targetTime,
                drill,
                request,
                state,
                outcome,
                failureReason,
                endpointHost,
                endpointPort,
                verificationJson,
                attempts + 1,
                error,
                requestedAt,
                now,
                verifiedAt,
                recoverySeconds);
    }
}
