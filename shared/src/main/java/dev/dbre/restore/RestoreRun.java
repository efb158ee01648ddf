package dev.dbre.restore;

import dev.dbre.port.RestoreTarget;
import dev.dbre.port.SnapshotRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One restore run as stored in {@code restore_runs}. A new run is {@link #requested}; every later
 * value is made by a named transition ({@link #started}, {@link #available}, {@link #verifying},
 * {@link #verified}, {@link #failed}, {@link #cleanedUp}, {@link #cleanupFailed}, and the
 * same-state {@link #touched}, {@link #retryLater}, {@link #withVerification}), each of which
 * refuses to start from a state the lifecycle ({@link RestoreState}) does not allow with an {@link
 * IllegalTransitionException} naming both states. Only {@link RestoreRunStore} rebuilds a run
 * from its columns ({@link Columns}).
 *
 * <p>Fields (the accessors keep the names the run had as a record):
 *
 * <ul>
 *   <li>{@code targetTime}: null when restoring to the latest restorable time
 *   <li>{@code outcome}: VERIFIED or FAILED once known (kept when a drill is CLEANED_UP), else null
 *   <li>{@code verificationJson}: one result per verification query, as JSON, once verified
 *   <li>{@code attempts}: retryable provider faults met in the current state
 *   <li>{@code recoverySeconds}: request to verified, once VERIFIED
 *   <li>{@code deadline}: the run fails if still in progress at this time ({@link
 *       RestoreState#inProgress})
 *   <li>{@code startRef}: what the provider's start returned ({@link RestoreTarget#startRef}), or
 *       null
 *   <li>{@code snapshot}, {@code snapshotTime}: the snapshot restored from, picked at submit (null
 *       for a point-in-time restore), and when it was taken
 * </ul>
 */
public final class RestoreRun {
    private static final Set<RestoreState> IN_PROGRESS =
            EnumSet.of(RestoreState.REQUESTED, RestoreState.RESTORING, RestoreState.AVAILABLE, RestoreState.VERIFYING);
    /** A drill's run is cleaned up from either outcome. */
    private static final Set<RestoreState> OUTCOMES = EnumSet.of(RestoreState.VERIFIED, RestoreState.FAILED);

    private final UUID runId;
    private final String requestKey;
    private final String sourceId;
    private final String newName;
    private final Instant targetTime;
    private final boolean drill;
    private final RestoreRequest request;
    private final RestoreState state;
    private final RestoreState outcome;
    private final String failureReason;
    private final String endpointHost;
    private final int endpointPort;
    private final String verificationJson;
    private final int attempts;
    private final String lastError;
    private final Instant requestedAt;
    private final Instant updatedAt;
    private final Instant verifiedAt;
    private final Double recoverySeconds;
    private final Instant deadline;
    private final String startRef;
    private final SnapshotRef snapshot;
    private final Instant snapshotTime;

    private RestoreRun(Columns c) {
        runId = Objects.requireNonNull(c.runId, "runId");
        requestKey = c.requestKey;
        sourceId = c.sourceId;
        newName = c.newName;
        targetTime = c.targetTime;
        drill = c.drill;
        request = c.request;
        state = Objects.requireNonNull(c.state, "state");
        outcome = c.outcome;
        failureReason = c.failureReason;
        endpointHost = c.endpointHost;
        endpointPort = c.endpointPort;
        verificationJson = c.verificationJson;
        attempts = c.attempts;
        lastError = c.lastError;
        requestedAt = c.requestedAt;
        updatedAt = c.updatedAt;
        verifiedAt = c.verifiedAt;
        recoverySeconds = c.recoverySeconds;
        deadline = c.deadline;
        startRef = c.startRef;
        snapshot = c.snapshot;
        snapshotTime = c.snapshotTime;
    }

    /**
     * A new run of {@code request}, REQUESTED at {@code now}, failing if still in progress at {@code
     * deadline}.
     */
    static RestoreRun requested(UUID runId, RestoreRequest request, Instant now, Instant deadline) {
        return requested(runId, request, now, deadline, null, null);
    }

    /**
     * As above, restoring {@code snapshot} (taken at {@code snapshotTime}), picked for the request's
     * {@link RestoreRequest#snapshot()}.
     */
    static RestoreRun requested(
            UUID runId,
            RestoreRequest request,
            Instant now,
            Instant deadline,
            SnapshotRef snapshot,
            Instant snapshotTime) {
        Columns c = new Columns();
        c.snapshot = snapshot;
        c.snapshotTime = snapshotTime;
        c.runId = runId;
        c.requestKey = request.key();
        c.sourceId = request.source();
        c.newName = request.newName();
        c.targetTime = request.targetTime();
        c.drill = request.drill();
        c.request = request;
        c.state = RestoreState.REQUESTED;
        c.requestedAt = now;
        c.updatedAt = now;
        c.deadline = deadline;
        return c.toRun();
    }

    public UUID runId() {
        return runId;
    }

    public String requestKey() {
        return requestKey;
    }

    public String sourceId() {
        return sourceId;
    }

    public String newName() {
        return newName;
    }

    /** Null when restoring to the latest restorable time. */
    public Instant targetTime() {
        return targetTime;
    }

    public boolean drill() {
        return drill;
    }

    public RestoreRequest request() {
        return request;
    }

    public RestoreState state() {
        return state;
    }

    /** VERIFIED or FAILED once known (kept when a drill is CLEANED_UP), else null. */
    public RestoreState outcome() {
        return outcome;
    }

    public String failureReason() {
        return failureReason;
    }

    public String endpointHost() {
        return endpointHost;
    }

    public int endpointPort() {
        return endpointPort;
    }

    /** One result per verification query, as JSON, once verified (or once verification failed). */
    public String verificationJson() {
        return verificationJson;
    }

    /** Retryable provider faults met in the current state. */
    public int attempts() {
        return attempts;
    }

    public String lastError() {
        return lastError;
    }

    public Instant requestedAt() {
        return requestedAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Instant verifiedAt() {
        return verifiedAt;
    }

    /** Request to verified, once VERIFIED. */
    public Double recoverySeconds() {
        return recoverySeconds;
    }

    /** The run fails if still in progress at this time ({@link RestoreState#inProgress}). */
    public Instant deadline() {
        return deadline;
    }

    /** What the provider's start returned ({@link RestoreTarget#startRef}), or null. */
    public String startRef() {
        return startRef;
    }

    /** The snapshot restored from, picked at submit; null for a point-in-time restore. */
    public SnapshotRef snapshot() {
        return snapshot;
    }

    /** When {@link #snapshot()} was taken, as its provider reports it; null without a snapshot. */
    public Instant snapshotTime() {
        return snapshotTime;
    }

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

    // ---- transitions ----

    /** REQUESTED → RESTORING: the provider started the restore and returned {@code ref}. */
    RestoreRun started(String ref, Instant now) {
        return to(RestoreState.RESTORING, EnumSet.of(RestoreState.REQUESTED), now, c -> c.startRef = ref);
    }

    /** RESTORING → AVAILABLE: the restored database answers at {@code host:port}. */
    RestoreRun available(String host, int port, Instant now) {
        return to(RestoreState.AVAILABLE, EnumSet.of(RestoreState.RESTORING), now, c -> {
            c.endpointHost = host;
            c.endpointPort = port;
        });
    }

    /** AVAILABLE → VERIFYING: the verification queries are next. */
    RestoreRun verifying(Instant now) {
        return to(RestoreState.VERIFYING, EnumSet.of(RestoreState.AVAILABLE), now, c -> {});
    }

    /** VERIFYING → VERIFIED, with the queries' {@code results} and the recovery time. */
    RestoreRun verified(String results, Instant now) {
        double seconds = Duration.between(requestedAt, now).toNanos() / 1e9;
        return to(RestoreState.VERIFIED, EnumSet.of(RestoreState.VERIFYING), now, c -> {
            c.outcome = RestoreState.VERIFIED;
            c.failureReason = null;
            c.verificationJson = results;
            c.verifiedAt = now;
            c.recoverySeconds = seconds;
        });
    }

    /** Any state in progress → FAILED, for {@code reason}. */
    RestoreRun failed(String reason, Instant now) {
        return to(RestoreState.FAILED, IN_PROGRESS, now, c -> {
            c.outcome = RestoreState.FAILED;
            c.failureReason = reason;
        });
    }

    /** A drill's VERIFIED or FAILED → CLEANED_UP (its database deleted, or none of its own found). */
    RestoreRun cleanedUp(Instant now) {
        requireDrill(RestoreState.CLEANED_UP);
        return to(RestoreState.CLEANED_UP, OUTCOMES, now, c -> {});
    }

    /**
     * A drill's VERIFIED or FAILED → CLEANUP_FAILED. The outcome stays as it was (a VERIFIED drill
     * stays VERIFIED); the error names what was left.
     */
    RestoreRun cleanupFailed(String error, Instant now) {
        requireDrill(RestoreState.CLEANUP_FAILED);
        return to(RestoreState.CLEANUP_FAILED, OUTCOMES, now, c -> c.lastError = error);
    }

    /** The same state, with the verification results kept (before {@link #failed}). */
    RestoreRun withVerification(String results) {
        requireState("withVerification", EnumSet.of(RestoreState.VERIFYING));
        return with(c -> c.verificationJson = results);
    }

    /** The same state, seen again at {@code now} (the provider is still working). */
    RestoreRun touched(Instant now) {
        requireUnfinished("touched");
        return with(c -> c.updatedAt = now);
    }

    /** The same state after a retryable fault: one more attempt counted. */
    RestoreRun retryLater(String error, Instant now) {
        requireUnfinished("retryLater");
        return with(c -> {
            c.attempts = attempts + 1;
            c.lastError = error;
            c.updatedAt = now;
        });
    }

    /** A new state starts with a clean retry count. */
    private RestoreRun to(RestoreState next, Set<RestoreState> from, Instant now, Consumer<Columns> change) {
        if (!from.contains(state)) {
            throw new IllegalTransitionException(runId, state, next.name(), "it must be one of " + from);
        }
        return with(c -> {
            c.state = next;
            c.attempts = 0;
            c.lastError = null;
            c.updatedAt = now;
            change.accept(c);
        });
    }

    private void requireDrill(RestoreState next) {
        if (!drill) {
            throw new IllegalTransitionException(runId, state, next.name(), "only a drill's database is cleaned up");
        }
    }

    private void requireState(String change, Set<RestoreState> allowed) {
        if (!allowed.contains(state)) {
            throw new IllegalTransitionException(runId, state, change, "it must be one of " + allowed);
        }
    }

    private void requireUnfinished(String change) {
        if (finished()) {
            throw new IllegalTransitionException(runId, state, change, "the run is finished");
        }
    }

    /** A copy with the columns {@code change} sets. */
    private RestoreRun with(Consumer<Columns> change) {
        Columns c = new Columns(this);
        change.accept(c);
        return c.toRun();
    }

    /** A transition asked of a run in a state it does not start from: a bug in the caller. */
    public static final class IllegalTransitionException extends IllegalStateException {
        private final RestoreState from;
        private final String to;

        IllegalTransitionException(UUID runId, RestoreState from, String to, String why) {
            super("restore run " + runId + " cannot go from " + from + " to " + to + ": " + why);
            this.from = from;
            this.to = to;
        }

        /** The state the run was in. */
        public RestoreState from() {
            return from;
        }

        /** The state (or same-state change) asked for. */
        public String to() {
            return to;
        }
    }

    /**
     * The columns of {@code restore_runs}, named: what {@link RestoreRunStore} fills from a row, and
     * the draft a transition changes. Mutable only while one run is built.
     */
    static final class Columns {
        UUID runId;
        String requestKey;
        String sourceId;
        String newName;
        Instant targetTime;
        boolean drill;
        RestoreRequest request;
        RestoreState state;
        RestoreState outcome;
        String failureReason;
        String endpointHost;
        int endpointPort;
        String verificationJson;
        int attempts;
        String lastError;
        Instant requestedAt;
        Instant updatedAt;
        Instant verifiedAt;
        Double recoverySeconds;
        Instant deadline;
        String startRef;
        SnapshotRef snapshot;
        Instant snapshotTime;

        Columns() {}

        private Columns(RestoreRun r) {
            runId = r.runId;
            requestKey = r.requestKey;
            sourceId = r.sourceId;
            newName = r.newName;
            targetTime = r.targetTime;
            drill = r.drill;
            request = r.request;
            state = r.state;
            outcome = r.outcome;
            failureReason = r.failureReason;
            endpointHost = r.endpointHost;
            endpointPort = r.endpointPort;
            verificationJson = r.verificationJson;
            attempts = r.attempts;
            lastError = r.lastError;
            requestedAt = r.requestedAt;
            updatedAt = r.updatedAt;
            verifiedAt = r.verifiedAt;
            recoverySeconds = r.recoverySeconds;
            deadline = r.deadline;
            startRef = r.startRef;
            snapshot = r.snapshot;
            snapshotTime = r.snapshotTime;
        }

        RestoreRun toRun() {
            return new RestoreRun(this);
        }
    }

    private Object[] values() {
        return new Object[] {
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
            updatedAt,
            verifiedAt,
            recoverySeconds,
            deadline,
            startRef,
            snapshot,
            snapshotTime
        };
    }

    /** Value equality over every column, as when the run was a record (a run read back equals it). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RestoreRun other && Arrays.equals(values(), other.values());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values());
    }

    @Override
    public String toString() {
        return "RestoreRun[runId=" + runId + ", source=" + sourceId + ", newName=" + newName + ", state=" + state
                + ", outcome=" + outcome + ", attempts=" + attempts + "]";
    }
}
