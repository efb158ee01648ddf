package dev.dbre.backup;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.BackupPolicy.DrillKind;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One database's recovery point of one kind, measured at a snapshot run (stored in {@code
 * rpo_measurements}, V15): the data a restore of that kind would lose if the database were lost now.
 *
 * @param region where the recovery point is (the copy region for {@code copy})
 * @param lag now minus the latest restorable time (pitr) or the newest completed snapshot's or copy's
 *     time; null when there is none at all
 * @param objective the policy's RPO, or null when it sets none
 * @param over the lag is over the objective, or there is no recovery point and an objective is set
 */
public record RpoMeasurement(
        String policy,
        String databaseId,
        String region,
        DrillKind kind,
        Instant measuredAt,
        Duration lag,
        Duration objective,
        boolean over) {

    /**
     * The measurements of one database at {@code now}: PITR when {@code pitr} was read (a window, or
     * null for none yet), the newest snapshot in its region, and the newest copy when the policy copies.
     *
     * @param pitrMeasured false when the provider offers no point-in-time restore of it (not measured)
     */
    public static List<RpoMeasurement> of(
            Instant now, BackupPolicy policy, DatabaseOutcome d, boolean pitrMeasured, RestoreWindow pitr) {
        Duration objective =
                policy.objectives() == null ? null : policy.objectives().rpo();
        List<RpoMeasurement> out = new ArrayList<>();
        if (pitrMeasured) {
            out.add(measure(
                    policy,
                    d.databaseId(),
                    d.region(),
                    DrillKind.PITR,
                    now,
                    pitr == null ? null : pitr.latest(),
                    objective));
        }
        out.add(measure(
                policy, d.databaseId(), d.region(), DrillKind.SNAPSHOT, now, time(d.newestCompleted()), objective));
        if (policy.copy() != null) {
            out.add(measure(
                    policy,
                    d.databaseId(),
                    policy.copy().region(),
                    DrillKind.COPY,
                    now,
                    time(d.newestCopy()),
                    objective));
        }
        return out;
    }

    private static RpoMeasurement measure(
            BackupPolicy policy,
            String databaseId,
            String region,
            DrillKind kind,
            Instant now,
            Instant point,
            Duration objective) {
        // A recovery point after the clock (skew) counts as no lag, not a negative one.
        Duration lag = point == null ? null : point.isAfter(now) ? Duration.ZERO : Duration.between(point, now);
        boolean over = objective != null && (lag == null || lag.compareTo(objective) > 0);
        return new RpoMeasurement(policy.name(), databaseId, region, kind, now, lag, objective, over);
    }

    private static Instant time(Snapshot s) {
        return s == null ? null : s.createdAt();
    }

    /** The lag in seconds (milliseconds kept), or null. */
    public Double lagSeconds() {
        return lag == null ? null : lag.toMillis() / 1000.0;
    }
}
