package dev.dbre.testing;

import dev.dbre.backup.DatabaseRef;
import dev.dbre.backup.ProviderException;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.restore.RestoreProgress;
import dev.dbre.restore.RestoreProvider;
import dev.dbre.restore.RestoreSource;
import dev.dbre.restore.RestoreWindow;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RestoreProvider} for state-machine tests: sources and taken names are set up by the
 * test, progress answers are scripted, faults can be injected, and every call is recorded (so a
 * test can prove that a refused request made no call that changes anything).
 */
public final class FakeRestoreProvider implements RestoreProvider {
    public final List<String> calls = new ArrayList<>();
    private final Map<String, RestoreSource> sources = new HashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final Deque<RestoreProgress> progress = new ArrayDeque<>();
    private final Deque<RuntimeException> startFaults = new ArrayDeque<>();
    private ConnectionFactory restoredDatabase;

    /** Adds a source with window [earliest, latest]. */
    public FakeRestoreProvider source(String id, boolean production, Instant earliest, Instant latest) {
        sources.put(
                id,
                new RestoreSource(
                        new DatabaseRef(id, "rds-instance", "eu-west-1", Map.of(), production),
                        new RestoreWindow(earliest, latest)));
        return this;
    }

    public FakeRestoreProvider taken(String name) {
        taken.add(name);
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

    /** The database {@link #connect} returns (where verification queries run). */
    public FakeRestoreProvider restoredDatabase(ConnectionFactory db) {
        this.restoredDatabase = db;
        return this;
    }

    /** Calls that create or delete something (a refused request must make none). */
    public List<String> changingCalls() {
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
    public synchronized boolean nameTaken(String name) {
        calls.add("nameTaken " + name);
        return taken.contains(name);
    }

    @Override
    public synchronized void startRestore(
            String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
        calls.add("startRestore " + sourceId + " " + targetTime + " " + newName + " " + overrides);
        if (!startFaults.isEmpty()) {
            throw startFaults.poll();
        }
        taken.add(newName);
    }

    @Override
    public synchronized RestoreProgress progress(String newName) {
        calls.add("progress " + newName);
        if (progress.isEmpty()) {
            return new RestoreProgress(RestoreProgress.State.AVAILABLE, "fake.host", 5432, "available");
        }
        return progress.size() == 1 ? progress.peek() : progress.poll();
    }

    @Override
    public synchronized ConnectionFactory connect(String newName, String database) {
        calls.add("connect " + newName + " " + database);
        if (restoredDatabase == null) {
            throw new ProviderException("NotFound", "no restored database", false, null);
        }
        return restoredDatabase;
    }

    @Override
    public synchronized void delete(String newName) {
        calls.add("delete " + newName);
        taken.remove(newName);
    }
}
