package dev.dbre.restore;

import dev.dbre.backup.ProviderException;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.SqlStates;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point-in-time restores as a resumable state machine in {@code restore_runs}.
 *
 * <p>{@link #submit} validates a request before anything changes and records a REQUESTED run;
 * {@link #advance} performs at most one step under the run's row lock: start the restore, poll
 * it, mark it available, verify it, clean a drill up. An invocation that finds the row locked
 * returns at once (another is working on it); one that repeats a finished step finds the new state
 * and does the next one or nothing. Time and the invocation's remaining time are passed in.
 */
public final class RestoreService {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

    /** Retryable provider faults tolerated in one state before the run fails. */
    static final int MAX_ATTEMPTS = 5;

    /** A step is not started with less time left than this (a verification needs some). */
    static final Duration MIN_STEP_TIME = Duration.ofSeconds(2);

    private final RestoreProvider provider;
    private final ConnectionFactory db;
    private final MetricsPublisher metrics;

    /**
     * @param provider the cloud's (or local) restore provider
     * @param db the database holding {@code restore_runs} (schema V3)
     */
    public RestoreService(RestoreProvider provider, ConnectionFactory db, MetricsPublisher metrics) {
        this.provider = provider;
        this.db = db;
        this.metrics = metrics;
    }

    /** A run id, and whether this call created the run (false: the same request was submitted before). */
    public record Submitted(UUID runId, boolean created, RestoreRun run) {}

    /**
     * Validates {@code request} and records a REQUESTED run. Idempotent by the request's key (its
     * requestId, else its new name): submitting it again returns the existing run.
     *
     * @throws RestoreRejectedException with the rule that failed (SOURCE_NOT_FOUND,
     *     TARGET_OUTSIDE_WINDOW, NAME_TAKEN, CONFIRMATION_REQUIRED, BAD_REQUEST); nothing changed
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
            checkAgainstProvider(c, request);
            RestoreRun run = new RestoreRun(
                    UUID.randomUUID(),
                    request.key(),
                    request.source(),
                    request.newName(),
                    request.targetTime(),
                    request.drill(),
                    request,
                    RestoreState.REQUESTED,
                    null,
                    null,
                    null,
                    0,
                    null,
                    0,
                    null,
                    now,
                    now,
                    null,
                    null);
            c.setAutoCommit(false);
            if (!RestoreRunStore.insert(c, run)) {
                c.rollback();
                RestoreRun other = RestoreRunStore.findByKey(c, request.key()).orElseThrow();
                return new Submitted(other.runId(), false, other);
            }
            RestoreRunStore.event(
                    c,
                    run.runId(),
                    RestoreState.REQUESTED,
                    now,
                    "restore " + request.source() + " to "
                            + (request.latest() ? "the latest restorable time" : request.targetTime()) + " as "
                            + request.newName() + (request.drill() ? " (drill)" : ""));
            c.commit();
            return new Submitted(run.runId(), true, run);
        } catch (SQLException e) {
            throw new RestoreStoreException("could not record the restore request", e);
        }
    }

    /** The rules that need the provider, in order: source, window, name, confirmation. */
    private void checkAgainstProvider(Connection c, RestoreRequest request) throws SQLException {
        RestoreSource source = provider.describeSource(request.source())
                .orElseThrow(() -> new RestoreRejectedException(
                        RestoreError.SOURCE_NOT_FOUND, "source", "no database '" + request.source() + "'"));
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
        if (RestoreRunStore.nameInUse(c, request.newName()) || provider.nameTaken(request.newName())) {
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
            Step step = step(run, now, remaining);
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

    private Step step(RestoreRun run, Instant now, Duration remaining) {
        try {
            return switch (run.state()) {
                case REQUESTED -> {
                    provider.startRestore(
                            run.sourceId(),
                            run.targetTime(),
                            run.newName(),
                            run.request().overrides().toMap());
                    yield new Step(run.moveTo(RestoreState.RESTORING, now), "restore started");
                }
                case RESTORING -> {
                    RestoreProgress p = provider.progress(run.newName());
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
                    new Step(
                            run.moveTo(RestoreState.VERIFYING, now),
                            run.request().verify().size() + " verification queries");
                case VERIFYING -> verify(run, now, remaining);
                case VERIFIED, FAILED -> {
                    // Only drills get here (finished() stops kept restores): delete the database.
                    provider.delete(run.newName());
                    yield new Step(run.moveTo(RestoreState.CLEANED_UP, now), "deleted " + run.newName());
                }
                case CLEANED_UP -> new Step(run, "nothing to do");
            };
        } catch (ProviderException e) {
            if (e.retryable() && run.attempts() + 1 < MAX_ATTEMPTS) {
                return new Step(run.retryLater(e.getMessage(), now), e.getMessage());
            }
            return failed(run, e.getMessage(), now);
        } catch (RuntimeException e) {
            LOG.error("restore {}: step {} failed", run.runId(), run.state(), e);
            return failed(run, e.toString(), now);
        }
    }

    private Step verify(RestoreRun run, Instant now, Duration remaining) {
        List<Verifier.CheckResult> results;
        try {
            results = Verifier.run(
                    provider.connect(run.newName(), run.request().database()),
                    run.request().verify(),
                    remaining.minus(Duration.ofSeconds(1)));
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
                        dims,
                        List.of(new Metric(MetricNames.RESTORE_RECOVERY_SECONDS, run.recoverySeconds(), "Seconds")));
            case FAILED -> metrics.publish(dims, List.of(Metric.count(MetricNames.RESTORE_FAILURES, 1)));
            case CLEANED_UP -> {
                if (run.outcome() == RestoreState.VERIFIED) {
                    metrics.publish(dims, List.of(Metric.count(MetricNames.DRILLS_COMPLETED, 1)));
                }
            }
            default -> {}
        }
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
                Thread.sleep(poll.toMillis());
            }
            run = next;
        }
        return run;
    }
}
