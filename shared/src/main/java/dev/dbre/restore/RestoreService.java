package dev.dbre.restore;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.SqlStates;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Sleeper;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores (to a point in time, or from a snapshot) as a resumable state machine in {@code
 * restore_runs}.
 *
 * <p>{@link #submit} validates a request before anything changes and records a REQUESTED run;
 * {@link #advance} performs at most one step under the run's row lock: start the restore, poll
 * it, mark it available, verify it, clean a drill up. An invocation that finds the row locked
 * returns at once (another is working on it); one that repeats a finished step finds the new state
 * and does the next one or nothing. Time and the invocation's remaining time are passed in.
 *
 * <p>Nothing waits or retries forever: a run still in progress at its deadline (request time plus
 * the request's {@code timeout}, else {@link #TIMEOUT}) fails with that reason, and a drill's
 * cleanup is tried {@link #MAX_ATTEMPTS} times before the run ends CLEANUP_FAILED naming the
 * database left. A drill deletes only a database tagged with its own run id ({@link RestoredTags}).
 */
public final class RestoreService {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

    /** Retryable provider faults tolerated in one state before the run fails. */
    static final int MAX_ATTEMPTS = 5;

    /** A step is not started with less time left than this (a verification needs some). */
    static final Duration MIN_STEP_TIME = Duration.ofSeconds(2);

    /** How long a run may take when its request names no {@code timeout} (ISO-8601 duration). */
    public static final String TIMEOUT = "DBRE_RESTORE_TIMEOUT";

    /** {@link #TIMEOUT}'s default: long enough for a large RDS or Aurora restore, short of a day. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);

    private final RestoreProvider provider;
    private final ConnectionFactory db;
    private final MetricsPublisher metrics;
    private final Duration defaultTimeout;

    /**
     * @param provider the cloud's (or local) restore provider
     * @param db the database holding {@code restore_runs} (schema V3, V5)
     * @param defaultTimeout the timeout of a request that names none ({@link #timeoutFromEnv})
     */
    public RestoreService(
            RestoreProvider provider, ConnectionFactory db, MetricsPublisher metrics, Duration defaultTimeout) {
        this.provider = provider;
        this.db = db;
        this.metrics = metrics;
        this.defaultTimeout = defaultTimeout;
    }

    /** As above with {@link #DEFAULT_TIMEOUT}. */
    public RestoreService(RestoreProvider provider, ConnectionFactory db, MetricsPublisher metrics) {
        this(provider, db, metrics, DEFAULT_TIMEOUT);
    }

    /**
     * {@link #TIMEOUT}, or {@link #DEFAULT_TIMEOUT} when unset.
     *
     * @throws ConfigException naming the variable when it is not an ISO-8601 duration between {@link
     *     RestoreRequest#MIN_TIMEOUT} and {@link RestoreRequest#MAX_TIMEOUT}
     */
    public static Duration timeoutFromEnv(Env env) {
        String v = env.optional(TIMEOUT);
        if (v == null) {
            return DEFAULT_TIMEOUT;
        }
        Duration d;
        try {
            d = Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new ConfigException(TIMEOUT, "must be an ISO-8601 duration such as PT6H, was '" + v + "'");
        }
        if (d.compareTo(RestoreRequest.MIN_TIMEOUT) < 0 || d.compareTo(RestoreRequest.MAX_TIMEOUT) > 0) {
            throw new ConfigException(
                    TIMEOUT,
                    "must be between " + RestoreRequest.MIN_TIMEOUT + " and " + RestoreRequest.MAX_TIMEOUT + ", was "
                            + v);
        }
        return d;
    }

    /** A run id, and whether this call created the run (false: the same request was submitted before). */
    public record Submitted(UUID runId, boolean created, RestoreRun run) {}

    /**
     * Validates {@code request} and records a REQUESTED run. Idempotent by the request's key (its
     * requestId, else its new name): submitting it again returns the existing run.
     *
     * @throws RestoreRejectedException with the rule that failed (SOURCE_NOT_FOUND,
     *     TARGET_OUTSIDE_WINDOW, SNAPSHOT_NOT_FOUND, UNSUPPORTED, NAME_TAKEN, CONFIRMATION_REQUIRED,
     *     BAD_REQUEST); nothing changed.
     *     NAME_TAKEN also when a concurrent submit took the name first (the schema's one active run
     *     per name)
     * @throws RestoreStoreException if the runs table cannot be read or written
     * @throws ProviderException if the provider cannot describe the source
     */
    public Submitted submit(RestoreRequest request, Instant now) {
        request.validate();
        try (Connection c = db.open()) {
            Optional<RestoreRun> existing = RestoreRunStore.findByKey(c, request.key());
            if (existing.isPresent()) {
                return new Submitted(existing.get().runId(), false, existing.get());
            }
            Snapshot snapshot = checkAgainstProvider(c, request);
            RestoreRun run = RestoreRun.requested(
                    UUID.randomUUID(),
                    request,
                    now,
                    now.plus(request.timeout() != null ? request.timeout() : defaultTimeout),
                    snapshot == null ? null : SnapshotRef.of(snapshot),
                    snapshot == null ? null : snapshot.createdAt());
            c.setAutoCommit(false);
            boolean inserted;
            try {
                inserted = RestoreRunStore.insert(c, run);
            } catch (SQLException e) {
                c.rollback();
                if (activeNameTaken(e)) {
                    throw new RestoreRejectedException(
                            RestoreError.NAME_TAKEN,
                            "newName",
                            "another restore run that has not finished uses the name '" + request.newName() + "'");
                }
                throw e;
            }
            if (!inserted) {
                c.rollback();
                RestoreRun other = RestoreRunStore.findByKey(c, request.key()).orElseThrow();
                return new Submitted(other.runId(), false, other);
            }
            RestoreRunStore.event(
                    c,
                    run.runId(),
                    RestoreState.REQUESTED,
                    now,
                    "restore " + request.source() + " " + restorePoint(request, snapshot) + " as " + request.newName()
                            + (request.drill() ? " (drill)" : ""));
            c.commit();
            return new Submitted(run.runId(), true, run);
        } catch (SQLException e) {
            throw new RestoreStoreException("could not record the restore request", e);
        }
    }

    /** True for the unique violation of the one-active-run-per-name index. */
    private static boolean activeNameTaken(SQLException e) {
        if (!"23505".equals(e.getSQLState())) {
            return false;
        }
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            String constraint = p.getServerErrorMessage().getConstraint();
            return constraint == null || RestoreRunStore.ACTIVE_NAME_KEY.equals(constraint);
        }
        return true;
    }

    /** "to <time>", "to the latest restorable time", "from snapshot <id> in <region> (<choice>)". */
    private static String restorePoint(RestoreRequest request, Snapshot snapshot) {
        if (snapshot != null) {
            String choice = request.snapshot().describe();
            return "from snapshot " + snapshot.id() + " in " + snapshot.region() + " taken " + snapshot.createdAt()
                    + (choice.equals("snapshot " + snapshot.id()) ? "" : " (" + choice + ")");
        }
        return "to " + (request.latest() ? "the latest restorable time" : request.targetTime());
    }

    /**
     * The rules that need the provider, in order: source, window (or the snapshot), name,
     * confirmation.
     *
     * @return the snapshot picked for a restore from a snapshot, else null
     */
    private Snapshot checkAgainstProvider(Connection c, RestoreRequest request) throws SQLException {
        RestoreSource source = provider.describeSource(request.source())
                .orElseThrow(() -> new RestoreRejectedException(
                        RestoreError.SOURCE_NOT_FOUND, "source", "no database '" + request.source() + "'"));
        Snapshot snapshot = null;
        if (request.snapshot() != null) {
            snapshot = pickSnapshot(request);
        } else {
            checkWindow(request, source);
        }
        if (RestoreRunStore.nameInUse(c, request.newName())) {
            throw new RestoreRejectedException(
                    RestoreError.NAME_TAKEN,
                    "newName",
                    "another restore run that has not finished uses the name '" + request.newName() + "'");
        }
        if (provider.nameTaken(request.newName())) {
            throw new RestoreRejectedException(
                    RestoreError.NAME_TAKEN, "newName", "a database named '" + request.newName() + "' exists already");
        }
        if (source.database().production() && !request.source().equals(request.confirmProduction())) {
            throw new RestoreRejectedException(
                    RestoreError.CONFIRMATION_REQUIRED,
                    "confirmProduction",
                    request.source() + " is a production database: set confirmProduction to \"" + request.source()
                            + "\" to restore from it");
        }
        return snapshot;
    }

    /**
     * The snapshot the request asks for, among the source's snapshots in the home region (a copy:
     * in its region).
     *
     * @throws RestoreRejectedException UNSUPPORTED when the provider cannot restore from a snapshot,
     *     SNAPSHOT_NOT_FOUND when no completed snapshot fits
     */
    private Snapshot pickSnapshot(RestoreRequest request) {
        RestoreRequest.SnapshotChoice choice = request.snapshot();
        List<Snapshot> snapshots;
        try {
            snapshots = provider.snapshotsOf(request.source(), choice.newestCopyInRegion());
        } catch (ProviderException e) {
            if (e.error() == ProviderError.UNSUPPORTED) {
                throw new RestoreRejectedException(RestoreError.UNSUPPORTED, "snapshot", e.getMessage());
            }
            throw e;
        }
        return SnapshotPicker.pick(choice, request.source(), snapshots);
    }

    private static void checkWindow(RestoreRequest request, RestoreSource source) {
        RestoreWindow window = source.window();
        if (window == null) {
            throw new RestoreRejectedException(
                    RestoreError.TARGET_OUTSIDE_WINDOW,
                    "targetTime",
                    request.source() + " has no restorable window yet (no completed backup)");
        }
        if (!request.latest() && !window.contains(request.targetTime())) {
            throw new RestoreRejectedException(
                    RestoreError.TARGET_OUTSIDE_WINDOW,
                    "targetTime",
                    request.targetTime() + " is outside the restorable window of " + request.source() + ": ["
                            + window.earliest() + ", " + window.latest() + "]");
        }
    }

    /**
     * Performs at most one step of run {@code runId} and returns the run as it then stands. A run
     * locked by another invocation, finished, or with less than {@link #MIN_STEP_TIME} left, is
     * returned unchanged.
     *
     * @param now the time recorded for a transition
     * @param remaining the invocation's remaining time (bounds the verification queries)
     * @throws RestoreRejectedException RUN_NOT_FOUND if there is no such run
     * @throws RestoreStoreException if the runs table cannot be read or written
     */
    public RestoreRun advance(UUID runId, Instant now, Duration remaining) {
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            Optional<RestoreRun> locked = RestoreRunStore.lock(c, runId);
            if (locked.isEmpty()) {
                c.rollback();
                return RestoreRunStore.find(c, runId)
                        .orElseThrow(() ->
                                new RestoreRejectedException(RestoreError.RUN_NOT_FOUND, "runId", "no run " + runId));
            }
            RestoreRun run = locked.get();
            if (run.finished() || remaining.compareTo(MIN_STEP_TIME) < 0) {
                c.rollback();
                return run;
            }
            Step step = run.pastDeadline(now)
                    ? failed(
                            run,
                            "deadline passed: still " + run.state() + " at " + run.deadline() + " ("
                                    + Duration.between(run.requestedAt(), run.deadline()) + " after the request)",
                            now)
                    : step(run, now, remaining, drillFigures(c, run));
            RestoreRunStore.update(c, step.run());
            if (step.run().state() != run.state()) {
                RestoreRunStore.event(c, runId, step.run().state(), now, step.detail());
            }
            c.commit();
            if (step.run().state() != run.state()) {
                LOG.info(
                        "restore {} of {} as {}: {} -> {} ({})",
                        runId,
                        run.sourceId(),
                        run.newName(),
                        run.state(),
                        step.run().state(),
                        step.detail());
                publish(step.run());
            }
            return step.run();
        } catch (SQLException e) {
            throw new RestoreStoreException("could not advance restore run " + runId, e);
        }
    }

    private record Step(RestoreRun run, String detail) {}

    /**
     * A fleet drill's source figures, read on the run's own connection before verifying (a second
     * connection could wait on a pool of one while this one holds the run).
     */
    private static Optional<DrillChecks.Stored> drillFigures(Connection c, RestoreRun run) throws SQLException {
        return run.drill() && run.state() == RestoreState.VERIFYING
                ? DrillChecks.stored(c, run.runId())
                : Optional.empty();
    }

    private Step step(RestoreRun run, Instant now, Duration remaining, Optional<DrillChecks.Stored> drillFigures) {
        try {
            return switch (run.state()) {
                case REQUESTED -> {
                    String ref = run.snapshot() != null
                            ? provider.startRestoreFromSnapshot(
                                    run.runId(),
                                    run.snapshot(),
                                    run.newName(),
                                    run.request().overrides().toMap())
                            : provider.startRestore(
                                    run.runId(),
                                    run.sourceId(),
                                    run.targetTime(),
                                    run.newName(),
                                    run.request().overrides().toMap());
                    yield new Step(
                            run.started(ref, now),
                            run.snapshot() != null
                                    ? "restore from snapshot " + run.snapshot().id() + " started"
                                    : "restore started");
                }
                case RESTORING -> {
                    RestoreProgress p = provider.progress(run.target());
                    yield switch (p.state()) {
                        case RESTORING -> new Step(run.touched(now), p.detail());
                        case AVAILABLE ->
                            new Step(
                                    run.available(p.endpointHost(), p.endpointPort(), now),
                                    "available at " + p.endpointHost() + ":" + p.endpointPort());
                        case FAILED -> failed(run, "the provider's restore failed: " + p.detail(), now);
                    };
                }
                case AVAILABLE ->
                    new Step(run.verifying(now), run.request().verify().size() + " verification queries");
                case VERIFYING -> verify(run, now, remaining, drillFigures);
                case VERIFIED, FAILED -> cleanUp(run, now); // drills only: finished() stops kept restores
                case CLEANED_UP, CLEANUP_FAILED -> new Step(run, "nothing to do");
            };
        } catch (ProviderException e) {
            if (e.error().retryable() && run.attempts() + 1 < MAX_ATTEMPTS) {
                return new Step(run.retryLater(e.getMessage(), now), e.getMessage());
            }
            return failed(run, e.getMessage(), now);
        } catch (RuntimeException e) {
            LOG.error("restore {}: step {} failed", run.runId(), run.state(), e);
            return failed(run, e.toString(), now);
        }
    }

    /**
     * Deletes the drill's database if it is this run's. Its own failures never touch the outcome:
     * retryable ones are tried again up to {@link #MAX_ATTEMPTS}, then (or at once for any other)
     * the run ends CLEANUP_FAILED naming the database.
     */
    private Step cleanUp(RestoreRun run, Instant now) {
        String name = run.newName();
        try {
            return switch (provider.delete(run.target())) {
                case DELETED -> new Step(run.cleanedUp(now), "deleted " + name);
                case ABSENT -> new Step(run.cleanedUp(now), "nothing to delete: no database " + name);
                case NOT_OURS ->
                    new Step(
                            run.cleanedUp(now),
                            "left " + name + " alone: it is not this run's (no " + RestoredTags.TAG_RUN + " "
                                    + run.runId() + ")");
            };
        } catch (ProviderException e) {
            if (e.error().retryable() && run.attempts() + 1 < MAX_ATTEMPTS) {
                return new Step(run.retryLater(e.getMessage(), now), e.getMessage());
            }
            String error = "could not delete " + name + " after " + (run.attempts() + 1) + " attempt(s): "
                    + e.getMessage() + "; it is left for an operator";
            return new Step(run.cleanupFailed(error, now), error);
        } catch (RuntimeException e) {
            LOG.error("restore {}: deleting {} failed", run.runId(), name, e);
            String error = "could not delete " + name + ": " + e + "; it is left for an operator";
            return new Step(run.cleanupFailed(error, now), error);
        }
    }

    private Step verify(RestoreRun run, Instant now, Duration remaining, Optional<DrillChecks.Stored> drillFigures) {
        List<Verifier.CheckResult> results;
        try {
            ConnectionFactory restored =
                    provider.connect(run.target(), run.request().database());
            // A fleet drill's own checks first: connections, databases, row estimates (DrillChecks).
            results = new ArrayList<>(
                    DrillChecks.run(drillFigures, run, restored, remaining.minus(Duration.ofSeconds(1))));
            results.addAll(Verifier.run(restored, run.request().verify(), remaining.minus(Duration.ofSeconds(1))));
        } catch (SQLException e) {
            if (SqlStates.isTransient(e) && run.attempts() + 1 < MAX_ATTEMPTS) {
                return new Step(run.retryLater(e.getMessage(), now), e.getMessage());
            }
            return failed(run, "verification could not connect: " + e.getMessage(), now);
        }
        String json = Verifier.toJson(results);
        List<String> failures = results.stream()
                .filter(r -> !r.passed())
                .map(r -> r.name() + " (expected " + r.expected() + ", got "
                        + (r.error() != null ? "error " + r.error() : r.actual()) + ")")
                .toList();
        if (!failures.isEmpty()) {
            return failed(run.withVerification(json), "verification failed: " + String.join("; ", failures), now);
        }
        RestoreRun verified = run.verified(json, now);
        return new Step(
                verified, results.size() + " checks passed; recovery time " + verified.recoverySeconds() + " s");
    }

    private static Step failed(RestoreRun run, String reason, Instant now) {
        return new Step(run.failed(reason, now), reason);
    }

    private void publish(RestoreRun run) {
        Map<String, String> dims = Map.of("function", "restore", "source", run.sourceId());
        switch (run.state()) {
            case VERIFIED ->
                metrics.publish(
                        Map.of("function", "restore", "source", run.sourceId(), "kind", kind(run.request())),
                        List.of(new Metric(MetricNames.RESTORE_RECOVERY_SECONDS, run.recoverySeconds(), "Seconds")));
            case FAILED -> metrics.publish(dims, List.of(Metric.count(MetricNames.RESTORE_FAILURES, 1)));
            case CLEANUP_FAILED ->
                metrics.publish(dims, List.of(Metric.count(MetricNames.RESTORE_CLEANUP_FAILURES, 1)));
            case CLEANED_UP -> {
                if (run.outcome() == RestoreState.VERIFIED) {
                    metrics.publish(dims, List.of(Metric.count(MetricNames.DRILLS_COMPLETED, 1)));
                }
            }
            default -> {}
        }
    }

    /**
     * What {@code request} restores from: {@code pitr}, {@code snapshot}, or {@code copy} (a snapshot
     * choice naming a copy region). Read from the request's JSON, as {@code restore_runs.kind} is
     * (V14), so both say the same.
     */
    public static String kind(RestoreRequest request) {
        return request.kind();
    }

    /** The run, if it exists. */
    public Optional<RestoreRun> find(UUID runId) {
        try (Connection c = db.open()) {
            return RestoreRunStore.find(c, runId);
        } catch (SQLException e) {
            throw new RestoreStoreException("could not read restore run " + runId, e);
        }
    }

    /** The run's transitions, oldest first. */
    public List<RestoreEvent> events(UUID runId) {
        try (Connection c = db.open()) {
            return RestoreRunStore.events(c, runId);
        } catch (SQLException e) {
            throw new RestoreStoreException("could not read the events of restore run " + runId, e);
        }
    }

    /**
     * Drives run {@code runId} until it finishes or {@code budget} runs out, one {@link #advance}
     * after another, waiting {@code poll} while nothing changes (the local command line and
     * single-process runners; the clouds advance from a workflow or a schedule instead).
     *
     * @param onTransition called with the run after each change of state
     * @return the run as it stands at the end (not finished if the budget ran out)
     * @throws InterruptedException if interrupted while waiting
     */
    public RestoreRun runToCompletion(
            UUID runId, Clock clock, Duration budget, Duration poll, Consumer<RestoreRun> onTransition)
            throws InterruptedException {
        return runToCompletion(runId, clock, Sleeper.SYSTEM, budget, poll, onTransition);
    }

    /** As above, waiting with {@code sleeper} (tests pass one that moves their clock). */
    public RestoreRun runToCompletion(
            UUID runId, Clock clock, Sleeper sleeper, Duration budget, Duration poll, Consumer<RestoreRun> onTransition)
            throws InterruptedException {
        Instant deadline = clock.instant().plus(budget);
        RestoreRun run = find(runId)
                .orElseThrow(
                        () -> new RestoreRejectedException(RestoreError.RUN_NOT_FOUND, "runId", "no run " + runId));
        while (!run.finished()) {
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                return run;
            }
            RestoreRun next = advance(runId, clock.instant(), remaining);
            if (next.state() != run.state()) {
                onTransition.accept(next);
            } else {
                sleeper.sleep(poll);
            }
            run = next;
        }
        return run;
    }
}
