package dev.dbre.restore;

import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Picks the snapshot a {@link RestoreRequest.SnapshotChoice} asks for among a source's snapshots
 * (as the provider lists them), before anything changes. Only a completed snapshot (AVAILABLE) is
 * ever picked; "the newest" ones are among those this tool manages ({@link Snapshot#TAG_MANAGED_BY}),
 * newest by their time, ties broken by id so that the same list always gives the same pick.
 */
final class SnapshotPicker {
    private static final Comparator<Snapshot> NEWEST =
            Comparator.comparing(Snapshot::createdAt).thenComparing(Snapshot::id);

    private SnapshotPicker() {}

    /**
     * The snapshot {@code choice} names among {@code snapshots} (those of {@code source} in the region
     * the choice looks in).
     *
     * @throws RestoreRejectedException SNAPSHOT_NOT_FOUND naming the field of {@code choice} that
     *     found nothing completed
     */
    static Snapshot pick(RestoreRequest.SnapshotChoice choice, String source, List<Snapshot> snapshots) {
        if (choice.id() != null) {
            Snapshot s = snapshots.stream()
                    .filter(x -> x.id().equals(choice.id()))
                    .findFirst()
                    .orElseThrow(() -> notFound("snapshot.id", "no snapshot '" + choice.id() + "' of " + source));
            if (s.status() != SnapshotStatus.AVAILABLE) {
                throw notFound(
                        "snapshot.id",
                        "snapshot '" + s.id() + "' of " + source + " is " + s.status() + ", not completed (AVAILABLE)");
            }
            return s;
        }
        if (choice.newestOfPolicy() != null) {
            String policy = choice.newestOfPolicy();
            return newest(snapshots, s -> s.managedBy(policy) && !s.tags().containsKey(Snapshot.TAG_COPY_OF))
                    .orElseThrow(() -> notFound(
                            "snapshot.newestOfPolicy",
                            "no completed snapshot of " + source + " taken under policy '" + policy + "'"));
        }
        String policy = choice.policy();
        return newest(
                        snapshots,
                        s -> Snapshot.MANAGED_BY_VALUE.equals(s.tags().get(Snapshot.TAG_MANAGED_BY))
                                && (policy == null || s.managedBy(policy)))
                .orElseThrow(() -> notFound(
                        "snapshot.newestCopyInRegion",
                        "no completed copy of " + source + " in " + choice.newestCopyInRegion()
                                + (policy == null ? "" : " made under policy '" + policy + "'")));
    }

    private static Optional<Snapshot> newest(List<Snapshot> snapshots, Predicate<Snapshot> wanted) {
        return snapshots.stream()
                .filter(s -> s.status() == SnapshotStatus.AVAILABLE)
                .filter(wanted)
                .max(NEWEST);
    }

    private static RestoreRejectedException notFound(String field, String message) {
        return new RestoreRejectedException(RestoreError.SNAPSHOT_NOT_FOUND, field, message);
    }
}
