package dev.dbre.backup;

import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link SnapshotProvider} for tests (in the dbre-shared test-jar): databases and
 * snapshots in maps, every call recorded, and injectable faults: throttling the next N calls of an
 * operation, and a permanent failure for one database. New snapshots start CREATING, copies
 * COPYING; {@link #completeAll()} makes them AVAILABLE.
 */
public final class SimulatedSnapshotProvider implements SnapshotProvider {
    /** The operations, as recorded in {@link #calls()} and named in faults. */
    public static final String LIST_DATABASES = "listDatabases";

    public static final String LIST_SNAPSHOTS = "listSnapshots";
    public static final String CREATE = "createSnapshot";
    public static final String COPY = "copySnapshot";
    public static final String SHARE = "shareSnapshot";
    public static final String DELETE = "deleteSnapshot";
    /** The mutating operations: a dry run must call none of them. */
    public static final Set<String> MUTATING = Set.of(CREATE, COPY, SHARE, DELETE);

    private final Clock clock;
    private final List<DatabaseRef> databases = new ArrayList<>();
    /** region -> id -> snapshot, in insertion order. */
    private final Map<String, Map<String, Snapshot>> snapshots = new HashMap<>();

    private final List<String> calls = new ArrayList<>();
    private final Map<String, Integer> throttles = new ConcurrentHashMap<>();
    /** operation -> the kind its next failures have, and how many are left. */
    private final Map<String, Map.Entry<ProviderError, Integer>> failures = new ConcurrentHashMap<>();

    private final Set<String> brokenDatabases = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> shares = new LinkedHashMap<>();

    public SimulatedSnapshotProvider(Clock clock) {
        this.clock = clock;
    }

    // ---- set-up

    public synchronized SimulatedSnapshotProvider addDatabase(DatabaseRef db) {
        databases.add(db);
        return this;
    }

    public synchronized SimulatedSnapshotProvider addSnapshot(Snapshot s) {
        snapshots.computeIfAbsent(s.region(), r -> new LinkedHashMap<>()).put(s.id(), s);
        return this;
    }

    /** The next {@code times} calls of {@code operation} fail with a retryable "Throttling" error. */
    public SimulatedSnapshotProvider throttle(String operation, int times) {
        throttles.put(operation, times);
        return this;
    }

    /** The next {@code times} calls of {@code operation} fail with an error of {@code kind} (code "Simulated"). */
    public SimulatedSnapshotProvider fail(String operation, int times, ProviderError kind) {
        failures.put(operation, Map.entry(kind, times));
        return this;
    }

    /** Every call about {@code databaseId} fails with a non-retryable error. */
    public SimulatedSnapshotProvider breakDatabase(String databaseId) {
        brokenDatabases.add(databaseId);
        return this;
    }

    /** Makes every CREATING or COPYING snapshot AVAILABLE. */
    public synchronized void completeAll() {
        for (Map<String, Snapshot> region : snapshots.values()) {
            region.replaceAll((id, s) -> s.status() == SnapshotStatus.CREATING || s.status() == SnapshotStatus.COPYING
                    ? withStatus(s, SnapshotStatus.AVAILABLE)
                    : s);
        }
    }

    // ---- inspection

    /** Every call so far, as "operation databaseId [snapshotId] [region]". */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** True when a create, copy, share or delete was called. */
    public synchronized boolean mutated() {
        return calls.stream().anyMatch(c -> MUTATING.contains(c.split(" ", 2)[0]));
    }

    /** Every snapshot held, in every region. */
    public synchronized List<Snapshot> allSnapshots() {
        return snapshots.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    /** Accounts each snapshot id was shared with. */
    public synchronized Map<String, List<String>> shares() {
        return Map.copyOf(shares);
    }

    // ---- the port

    @Override
    public synchronized List<DatabaseRef> listDatabases(String region) {
        call(LIST_DATABASES, region, null);
        return databases.stream().filter(d -> d.region().equals(region)).toList();
    }

    @Override
    public synchronized List<Snapshot> listSnapshots(String databaseId, String region) {
        call(LIST_SNAPSHOTS + " " + databaseId, region, databaseId);
        return snapshots.getOrDefault(region, Map.of()).values().stream()
                .filter(s -> s.databaseId().equals(databaseId))
                .toList();
    }

    @Override
    public synchronized Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
        call(CREATE + " " + database.id() + " " + name, database.region(), database.id());
        Snapshot existing = snapshots.getOrDefault(database.region(), Map.of()).get(name);
        if (existing != null) {
            return existing;
        }
        Snapshot s = new Snapshot(
                name, database.id(), database.region(), clock.instant(), SnapshotStatus.CREATING, tags, -1);
        addSnapshot(s);
        return s;
    }

    @Override
    public synchronized Snapshot copySnapshot(
            Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
        call(COPY + " " + source.databaseId() + " " + name, targetRegion, source.databaseId());
        Snapshot existing = snapshots.getOrDefault(targetRegion, Map.of()).get(name);
        if (existing != null) {
            return existing;
        }
        Snapshot s = new Snapshot(
                name,
                source.databaseId(),
                targetRegion,
                clock.instant(),
                SnapshotStatus.COPYING,
                tags,
                source.sizeBytes());
        addSnapshot(s);
        return s;
    }

    @Override
    public synchronized void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
        call(SHARE + " " + snapshot.databaseId() + " " + snapshot.id(), snapshot.region(), snapshot.databaseId());
        shares.put(snapshot.id(), List.copyOf(accountIds));
    }

    @Override
    public synchronized void deleteSnapshot(Snapshot snapshot) {
        call(DELETE + " " + snapshot.databaseId() + " " + snapshot.id(), snapshot.region(), snapshot.databaseId());
        Map<String, Snapshot> region = snapshots.get(snapshot.region());
        if (region != null) {
            region.remove(snapshot.id());
        }
    }

    private void call(String what, String region, String databaseId) {
        calls.add(what + " " + region);
        String op = what.split(" ", 2)[0];
        Integer left = throttles.get(op);
        if (left != null && left > 0) {
            throttles.put(op, left - 1);
            throw new ProviderException(
                    ProviderError.THROTTLED, "Throttling", "Rate exceeded (simulated) in " + op, null);
        }
        Map.Entry<ProviderError, Integer> failing = failures.get(op);
        if (failing != null && failing.getValue() > 0) {
            failures.put(op, Map.entry(failing.getKey(), failing.getValue() - 1));
            throw new ProviderException(
                    failing.getKey(), "Simulated", failing.getKey() + " (simulated) in " + op, null);
        }
        if (databaseId != null && brokenDatabases.contains(databaseId)) {
            throw new ProviderException(
                    ProviderError.INVALID_STATE,
                    "InvalidDBInstanceState",
                    "database " + databaseId + " is broken (simulated)",
                    null);
        }
    }

    static Snapshot withStatus(Snapshot s, SnapshotStatus status) {
        return new Snapshot(s.id(), s.databaseId(), s.region(), s.createdAt(), status, s.tags(), s.sizeBytes());
    }
}
