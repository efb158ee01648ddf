package dev.dbre.backup;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Sleeper;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotStatus;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backup policy against a provider: list the databases and their snapshots, plan ({@link
 * BackupPlanner}), carry the plan out database by database, then log the summary as one JSON line,
 * publish it as metrics and write it to {@code snapshot_runs}.
 *
 * <p>Errors of a retryable kind ({@link ProviderError#retryable()}: throttling, a busy resource,
 * a fault on the provider's side) are retried with
 * exponential backoff and full jitter ({@link RetryPolicy}); any other error fails that step only:
 * one database's failure never stops the others. A dry run lists and plans but changes nothing:
 * no provider change, no metrics, no row.
 */
public final class SnapshotService {
    private static final Logger log = LoggerFactory.getLogger(SnapshotService.class);

    private final MetricsPublisher metrics;
    private final SnapshotRunStore store;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Random random;

    /**
     * @param store where runs are recorded; null to record nothing (a command line without a database)
     * @param random the jitter's source (seeded in tests)
     */
    public SnapshotService(
            MetricsPublisher metrics, SnapshotRunStore store, RetryPolicy retry, Sleeper sleeper, Random random) {
        this.metrics = metrics;
        this.store = store;
        this.retry = retry;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * The service a cloud function runs: runs recorded in {@code snapshot_runs} of {@code db},
     * retries per {@link RetryPolicy#fromEnv}, real sleeps, jitter from a {@link SecureRandom}.
     *
     * @throws ConfigException naming the retry variable that is wrong
     */
    public static SnapshotService fromEnv(MetricsPublisher metrics, ConnectionFactory db, Env env) {
        return recording(metrics, db, RetryPolicy.fromEnv(env));
    }

    /**
     * The service a cloud function runs, with the retries its configuration read: runs recorded in
     * {@code snapshot_runs} of {@code db}, real sleeps, jitter from a {@link SecureRandom}.
     */
    public static SnapshotService recording(MetricsPublisher metrics, ConnectionFactory db, RetryPolicy retry) {
        return new SnapshotService(metrics, new SnapshotRunStore(db), retry, Sleeper.SYSTEM, new SecureRandom());
    }

    /**
     * Runs {@code policy} once. Never throws for provider or database faults: they are in the
     * summary's failures.
     *
     * @param dryRun plan only: no provider call that changes anything, no metrics, no row
     */
    public SnapshotRunSummary run(BackupPolicy policy, SnapshotProvider provider, Clock clock, boolean dryRun) {
        Instant now = clock.instant();
        Run run = new Run();
        List<DatabaseRef> databases = listDatabases(policy, provider, run);
        Map<String, List<Snapshot>> existing = new HashMap<>();
        Map<String, String> listFailures = new LinkedHashMap<>();
        List<DatabaseRef> listed = new ArrayList<>();
        for (DatabaseRef db : databases) {
            if (!policy.selection().selects(db)) {
                continue;
            }
            try {
                existing.put(db.id(), listSnapshots(policy, provider, db, run));
                listed.add(db);
            } catch (ProviderException e) {
                listFailures.put(
                        db.id(), "list snapshots of " + db.id() + " in " + db.region() + ": " + e.getMessage());
                listed.add(db); // planned below, but not executed: without its snapshots nothing is safe
            }
        }
        BackupPlan plan = BackupPlanner.plan(now, policy, listed, existing);
        for (String missing : plan.missingDatabases()) {
            run.failures.add("database " + missing + " not found in "
                    + String.join(", ", policy.selection().regions()));
        }
        List<DatabaseOutcome> outcomes = new ArrayList<>();
        for (DatabasePlan dp : plan.databases()) {
            String listFailure = listFailures.get(dp.database().id());
            if (listFailure != null) {
                outcomes.add(new DatabaseOutcome(
                        dp.database().id(), dp.database().region(), 0, 0, 0, 0, List.of(listFailure), null, null));
            } else {
                outcomes.add(
                        dryRun
                                ? outcome(policy, dp, existing, List.of(), new int[4], List.of())
                                : execute(policy, provider, plan, dp, existing, run));
            }
        }
        List<RpoMeasurement> rpo = dryRun ? List.of() : measureRpo(policy, provider, outcomes, now, run);
        SnapshotRunSummary summary =
                new SnapshotRunSummary(policy.name(), now, dryRun, plan, outcomes, run.failures, run.retries, rpo);
        if (!dryRun) {
            summary = record(summary, now);
        }
        log.info("snapshot run {}", summary.toJson(false));
        return summary;
    }

    /**
     * Each database's recovery points now: PITR where {@code provider} also restores (its restorable
     * window), the newest snapshot, and the newest copy when the policy copies. A window that cannot
     * be read is logged and that database's PITR point is not measured (the run does not fail for it).
     */
    private List<RpoMeasurement> measureRpo(
            BackupPolicy policy, SnapshotProvider provider, List<DatabaseOutcome> outcomes, Instant now, Run run) {
        List<RpoMeasurement> out = new ArrayList<>();
        for (DatabaseOutcome d : outcomes) {
            boolean measured = false;
            RestoreWindow window = null;
            if (provider instanceof RestoreProvider restores) {
                // One call, not retried: the measurement must not hold the run up, nor fail it.
                try {
                    Optional<RestoreSource> source = restores.describeSource(d.databaseId());
                    measured = source.isPresent();
                    window = source.map(RestoreSource::window).orElse(null);
                } catch (RuntimeException e) {
                    log.warn(
                            "policy {}: PITR recovery point of {} not measured: {}",
                            policy.name(),
                            d.databaseId(),
                            e.getMessage());
                }
            }
            out.addAll(RpoMeasurement.of(now, policy, d, measured, window));
        }
        for (RpoMeasurement m : out) {
            if (m.over()) {
                log.warn(
                        "policy {}: {} recovery point of {} is {} old, over the RPO of {}",
                        policy.name(),
                        m.kind().label(),
                        m.databaseId(),
                        m.lag() == null ? "missing" : m.lag(),
                        m.objective());
            }
        }
        return out;
    }

    private List<DatabaseRef> listDatabases(BackupPolicy policy, SnapshotProvider provider, Run run) {
        List<DatabaseRef> all = new ArrayList<>();
        for (String region : policy.selection().regions()) {
            try {
                all.addAll(call(run, "list databases in " + region, () -> provider.listDatabases(region)));
            } catch (ProviderException e) {
                run.failures.add("list databases in " + region + ": " + e.getMessage());
            }
        }
        return all;
    }

    private List<Snapshot> listSnapshots(BackupPolicy policy, SnapshotProvider provider, DatabaseRef db, Run run) {
        List<Snapshot> snapshots =
                new ArrayList<>(call(run, "list snapshots", () -> provider.listSnapshots(db.id(), db.region())));
        if (policy.copy() != null) {
            snapshots.addAll(call(
                    run,
                    "list copies",
                    () -> provider.listSnapshots(db.id(), policy.copy().region())));
        }
        return snapshots;
    }

    private DatabaseOutcome execute(
            BackupPolicy policy,
            SnapshotProvider provider,
            BackupPlan plan,
            DatabasePlan dp,
            Map<String, List<Snapshot>> existing,
            Run run) {
        int[] done = new int[4]; // created, copied, deleted, shared
        List<String> failures = new ArrayList<>();
        // Snapshots this run made that completed at once (the local provider's base backups): they
        // are already the database's newest recovery point.
        List<Snapshot> made = new ArrayList<>();
        for (PlannedAction a : dp.actions()) {
            try {
                switch (a.type()) {
                    case CREATE -> {
                        made.add(call(
                                run,
                                "create",
                                () -> provider.createSnapshot(
                                        dp.database(),
                                        a.snapshotId(),
                                        BackupPlanner.createTags(policy, plan.slotStart()))));
                        done[0]++;
                    }
                    case COPY -> {
                        made.add(call(
                                run,
                                "copy",
                                () -> provider.copySnapshot(
                                        a.subject(),
                                        a.region(),
                                        policy.copy().kmsKeyId(),
                                        a.snapshotId(),
                                        BackupPlanner.copyTags(policy, a.subject()))));
                        done[1]++;
                    }
                    case DELETE -> {
                        call(run, "delete", () -> {
                            provider.deleteSnapshot(a.subject());
                            return null;
                        });
                        done[2]++;
                    }
                    case SHARE -> {
                        call(run, "share", () -> {
                            provider.shareSnapshot(a.subject(), policy.share().accounts());
                            return null;
                        });
                        done[3]++;
                    }
                }
            } catch (ProviderException e) {
                failures.add(a.type().name().toLowerCase(java.util.Locale.ROOT) + " " + a.snapshotId() + " in "
                        + a.region() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                // A provider bug must not stop the other databases; it is reported like any failure.
                failures.add(a.type().name().toLowerCase(java.util.Locale.ROOT) + " " + a.snapshotId() + " in "
                        + a.region() + ": unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        return outcome(policy, dp, existing, made, done, failures);
    }

    private static DatabaseOutcome outcome(
            BackupPolicy policy,
            DatabasePlan dp,
            Map<String, List<Snapshot>> existing,
            List<Snapshot> made,
            int[] done,
            List<String> failures) {
        DatabaseRef db = dp.database();
        List<Snapshot> snapshots = new ArrayList<>(existing.getOrDefault(db.id(), List.of()));
        made.stream().filter(java.util.Objects::nonNull).forEach(snapshots::add);
        Snapshot newest = newest(policy, snapshots, db.region());
        Snapshot newestCopy = policy.copy() == null
                ? null
                : newest(policy, snapshots, policy.copy().region());
        return new DatabaseOutcome(
                db.id(), db.region(), done[0], done[1], done[2], done[3], failures, newest, newestCopy);
    }

    private static Snapshot newest(BackupPolicy policy, List<Snapshot> snapshots, String region) {
        return snapshots.stream()
                .filter(s -> s.region().equals(region)
                        && s.managedBy(policy.name())
                        && s.status() == SnapshotStatus.AVAILABLE)
                .max(Comparator.comparing(Snapshot::createdAt).thenComparing(Snapshot::id))
                .orElse(null);
    }

    private SnapshotRunSummary record(SnapshotRunSummary summary, Instant now) {
        List<String> failures = new ArrayList<>(summary.failures());
        if (store != null) {
            try {
                store.record(summary);
            } catch (SQLException | RuntimeException e) {
                failures.add("record the run in snapshot_runs: " + e.getMessage());
            }
        }
        SnapshotRunSummary recorded = new SnapshotRunSummary(
                summary.policy(),
                summary.runAt(),
                false,
                summary.plan(),
                summary.databases(),
                failures,
                summary.retries(),
                summary.rpo());
        metrics.publish(Map.of("function", "snapshot", "policy", summary.policy()), metrics(recorded, now));
        for (Map.Entry<String, Double> rpo : rpoSeconds(recorded).entrySet()) {
            metrics.publish(
                    Map.of("function", "snapshot", "policy", summary.policy(), "database", rpo.getKey()),
                    List.of(new Metric(MetricNames.BACKUP_RPO_SECONDS, rpo.getValue(), "Seconds")));
        }
        return recorded;
    }

    static List<Metric> metrics(SnapshotRunSummary s, Instant now) {
        List<Metric> m = new ArrayList<>(List.of(
                Metric.count(MetricNames.SNAPSHOTS_CREATED, s.created()),
                Metric.count(MetricNames.SNAPSHOTS_COPIED, s.copied()),
                Metric.count(MetricNames.SNAPSHOTS_DELETED, s.deleted()),
                Metric.count(MetricNames.SNAPSHOTS_SHARED, s.shared()),
                Metric.count(MetricNames.SNAPSHOT_FAILURES, s.failed()),
                Metric.count(MetricNames.SNAPSHOT_DATABASES, s.databases().size()),
                Metric.count(MetricNames.SNAPSHOT_RETRIES, s.retries()),
                Metric.count(MetricNames.BACKUPS_OVER_RPO, s.overRpo())));
        // The worst backup age: a database with no completed snapshot yet is not counted here (its
        // coverage gap shows in snapshot_runs); a metric of "infinity" would wreck every dashboard.
        s.databases().stream()
                .filter(d -> d.newestCompleted() != null)
                .mapToLong(d ->
                        Duration.between(d.newestCompleted().createdAt(), now).toSeconds())
                .max()
                .ifPresent(age -> m.add(new Metric(MetricNames.SNAPSHOT_OLDEST_NEWEST_AGE, age, "Seconds")));
        return m;
    }

    /**
     * Per database, its RPO: the smallest lag of its recovery points (the data the best restore would
     * lose). A database with no recovery point at all has no figure here (it shows in BackupsOverRpo).
     */
    static Map<String, Double> rpoSeconds(SnapshotRunSummary s) {
        Map<String, Double> out = new TreeMap<>();
        for (RpoMeasurement m : s.rpo()) {
            if (m.lag() != null) {
                out.merge(m.databaseId(), m.lagSeconds(), Math::min);
            }
        }
        return out;
    }

    /** Calls {@code op}, retrying retryable provider errors with backoff and full jitter. */
    private <T> T call(Run run, String what, Supplier<T> op) {
        for (int attempt = 1; ; attempt++) {
            try {
                return op.get();
            } catch (ProviderException e) {
                boolean retryable = e.error().retryable();
                if (!retryable || attempt >= retry.maxAttempts()) {
                    if (retryable) {
                        String detail = e.getMessage().startsWith(e.code() + ": ")
                                ? e.getMessage().substring(e.code().length() + 2)
                                : e.getMessage();
                        throw new ProviderException(
                                e.error(), e.code(), "gave up after " + attempt + " attempts: " + detail, e);
                    }
                    throw e;
                }
                Duration delay = retry.delay(attempt, random);
                log.debug("{}: {} (attempt {}), retrying in {} ms", what, e.getMessage(), attempt, delay.toMillis());
                run.retries++;
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ProviderException(
                            e.error(), e.code(), "interrupted while waiting to retry: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The mutable tallies of one run. */
    private static final class Run {
        final List<String> failures = new ArrayList<>();
        int retries;
    }
}
