package dev.dbre.testing;

import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotRef;
import dev.dbre.restore.RestoredTags;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A {@link RestoreProvider} for state-machine tests: sources and existing databases are set up by
 * the test, progress answers are scripted, faults can be injected, and every call is recorded (so a
 * test can prove that a refused request made no call that changes anything).
 *
 * <p>It behaves as the clouds do on names: a database name exists once; a start whose name exists
 * is refused unless that database carries the run's id (a repeated start), and delete removes only
 * a database carrying the run's id.
 */
public final class FakeRestoreProvider implements RestoreProvider {
    public final List<String> calls = new ArrayList<>();
    private final Map<String, RestoreSource> sources = new HashMap<>();
    /** Databases by name, with the run id each carries (null: not created by a run). */
    private final Map<String, Optional<UUID>> databases = new HashMap<>();

    private final Deque<RestoreProgress> progress = new ArrayDeque<>();
    private final Deque<RuntimeException> startFaults = new ArrayDeque<>();
    private final Deque<RuntimeException> deleteFaults = new ArrayDeque<>();
    /** Snapshots by "source/region" (region null: the home region); absent: snapshot restore unsupported. */
    private final Map<String, List<Snapshot>> snapshots = new HashMap<>();

    private boolean snapshotRestore = true;
    private ConnectionFactory restoredDatabase;
    private volatile Consumer<String> whileCheckingName = name -> {};

    /** Adds a source with window [earliest, latest]. */
    public FakeRestoreProvider source(String id, boolean production, Instant earliest, Instant latest) {
        sources.put(
                id,
                new RestoreSource(
                        new DatabaseRef(id, "rds-instance", "eu-west-1", Map.of(), production),
                        new RestoreWindow(earliest, latest)));
        return this;
    }

    /** A database named {@code name} that no run created (hand-made, or someone else's). */
    public synchronized FakeRestoreProvider taken(String name) {
        databases.put(name, Optional.empty());
        return this;
    }

    /** A database named {@code name} that run {@code runId} created (another run's restore). */
    public synchronized FakeRestoreProvider existing(String name, UUID runId) {
        databases.put(name, Optional.of(runId));
        return this;
    }

    /** True when a database named {@code name} exists. */
    public synchronized boolean exists(String name) {
        return databases.containsKey(name);
    }

    /** The run id the database named {@code name} carries, if it exists and carries one. */
    public synchronized Optional<UUID> owner(String name) {
        return databases.getOrDefault(name, Optional.empty());
    }

    /** The snapshots of {@code source} stored in {@code region} (null: the home region). */
    public synchronized FakeRestoreProvider snapshots(String source, String region, Snapshot... list) {
        snapshots.put(source + "/" + region, List.of(list));
        return this;
    }

    /** Makes this provider one that cannot restore from a snapshot (as Flexible Server). */
    public synchronized FakeRestoreProvider withoutSnapshotRestore() {
        snapshotRestore = false;
        return this;
    }

    /** The next answers of {@link #progress}, in order; the last one repeats. */
    public FakeRestoreProvider progress(RestoreProgress... answers) {
        progress.addAll(List.of(answers));
        return this;
    }

    /** The next {@link #startRestore} calls throw these, in order. */
    public FakeRestoreProvider failStart(RuntimeException... faults) {
        startFaults.addAll(List.of(faults));
        return this;
    }

    /** The next {@link #delete} calls throw these, in order. */
    public FakeRestoreProvider failDelete(RuntimeException... faults) {
        deleteFaults.addAll(List.of(faults));
        return this;
    }

    /** The database {@link #connect} returns (where verification queries run). */
    public FakeRestoreProvider restoredDatabase(ConnectionFactory db) {
        this.restoredDatabase = db;
        return this;
    }

    /** Calls that create or delete something (a refused request must make none). */
    public synchronized List<String> changingCalls() {
        return calls.stream()
                .filter(c -> c.startsWith("startRestore") || c.startsWith("delete"))
                .toList();
    }

    @Override
    public synchronized Optional<RestoreSource> describeSource(String sourceId) {
        calls.add("describeSource " + sourceId);
        return Optional.ofNullable(sources.get(sourceId));
    }

    @Override
    public boolean nameTaken(String name) {
        synchronized (this) {
            calls.add("nameTaken " + name);
        }
        whileCheckingName.accept(name);
        synchronized (this) {
            return databases.containsKey(name);
        }
    }

    /** Runs {@code hook} inside {@link #nameTaken}, outside the lock (a test makes two submits meet there). */
    public FakeRestoreProvider whileCheckingName(Consumer<String> hook) {
        this.whileCheckingName = hook;
        return this;
    }

    @Override
    public synchronized String startRestore(
            UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
        calls.add("startRestore " + sourceId + " " + targetTime + " " + newName + " " + overrides);
        if (!startFaults.isEmpty()) {
            throw startFaults.poll();
        }
        if (databases.containsKey(newName)) {
            if (databases.get(newName).equals(Optional.of(runId))) {
                return null; // a repeated start of this run
            }
            throw RestoredTags.nameTaken(newName, runId, RestoredTags.TAG_RUN);
        }
        databases.put(newName, Optional.of(runId));
        return null;
    }

    @Override
    public synchronized List<Snapshot> snapshotsOf(String sourceId, String region) {
        calls.add("snapshotsOf " + sourceId + " " + region);
        if (!snapshotRestore) {
            throw snapshotRestoreUnsupported();
        }
        return snapshots.getOrDefault(sourceId + "/" + region, List.of());
    }

    @Override
    public synchronized String startRestoreFromSnapshot(
            UUID runId, SnapshotRef snapshot, String newName, Map<String, Object> overrides) {
        calls.add("startRestoreFromSnapshot " + snapshot.id() + " " + snapshot.region() + " " + newName + " "
                + overrides);
        if (!snapshotRestore) {
            throw snapshotRestoreUnsupported();
        }
        if (!startFaults.isEmpty()) {
            throw startFaults.poll();
        }
        if (databases.containsKey(newName)) {
            if (databases.get(newName).equals(Optional.of(runId))) {
                return null;
            }
            throw RestoredTags.nameTaken(newName, runId, RestoredTags.TAG_RUN);
        }
        databases.put(newName, Optional.of(runId));
        return snapshot.region();
    }

    @Override
    public synchronized RestoreProgress progress(RestoreTarget target) {
        calls.add("progress " + target.newName());
        if (databases.containsKey(target.newName())
                && !databases.get(target.newName()).equals(Optional.of(target.runId()))) {
            return RestoredTags.notOurs(target.newName(), target.runId(), RestoredTags.TAG_RUN);
        }
        if (progress.isEmpty()) {
            return new RestoreProgress(RestoreProgress.State.AVAILABLE, "fake.host", 5432, "available");
        }
        return progress.size() == 1 ? progress.peek() : progress.poll();
    }

    @Override
    public synchronized ConnectionFactory connect(String newName, String database) {
        calls.add("connect " + newName + " " + database);
        if (restoredDatabase == null) {
            throw new ProviderException(ProviderError.NOT_FOUND, "NotFound", "no restored database", null);
        }
        return restoredDatabase;
    }

    @Override
    public synchronized Deletion delete(RestoreTarget target) {
        calls.add("delete " + target.newName());
        if (!deleteFaults.isEmpty()) {
            throw deleteFaults.poll();
        }
        Optional<UUID> owner = databases.get(target.newName());
        if (owner == null) {
            return Deletion.ABSENT;
        }
        if (!owner.equals(Optional.of(target.runId()))) {
            return Deletion.NOT_OURS;
        }
        databases.remove(target.newName());
        return Deletion.DELETED;
    }
}
