package dev.dbre.backup;

import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.Snapshot;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/** Writes one {@code snapshot_runs} row per database of a run (schema: {@code V2__snapshot_runs.sql}). */
public final class SnapshotRunStore {
    private static final String UPSERT = "insert into snapshot_runs (policy, database_id, region, run_at, slot_start,"
            + " created, copied, deleted, shared, failures, failure_reasons, newest_snapshot_id, newest_snapshot_at,"
            + " newest_copy_id, newest_copy_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " on conflict on constraint snapshot_runs_key do update set slot_start = excluded.slot_start,"
            + " created = excluded.created, copied = excluded.copied, deleted = excluded.deleted,"
            + " shared = excluded.shared, failures = excluded.failures, failure_reasons = excluded.failure_reasons,"
            + " newest_snapshot_id = excluded.newest_snapshot_id, newest_snapshot_at = excluded.newest_snapshot_at,"
            + " newest_copy_id = excluded.newest_copy_id, newest_copy_at = excluded.newest_copy_at";

    private final ConnectionFactory connections;

    public SnapshotRunStore(ConnectionFactory connections) {
        this.connections = connections;
    }

    /**
     * Writes the run's rows in one transaction; writing the same run again replaces its rows.
     *
     * @return the number of rows written
     * @throws SQLException if the database cannot be reached or the write fails
     */
    public int record(SnapshotRunSummary summary) throws SQLException {
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                for (DatabaseOutcome d : summary.databases()) {
                    int i = 1;
                    ps.setString(i++, summary.policy());
                    ps.setString(i++, d.databaseId());
                    ps.setString(i++, d.region());
                    ps.setTimestamp(i++, Timestamp.from(summary.runAt()));
                    ps.setTimestamp(i++, Timestamp.from(summary.plan().slotStart()));
                    ps.setInt(i++, d.created());
                    ps.setInt(i++, d.copied());
                    ps.setInt(i++, d.deleted());
                    ps.setInt(i++, d.shared());
                    ps.setInt(i++, d.failures().size());
                    Array reasons = c.createArrayOf("text", d.failures().toArray());
                    ps.setArray(i++, reasons);
                    i = snapshot(ps, i, d.newestCompleted());
                    snapshot(ps, i, d.newestCopy());
                    ps.addBatch();
                }
                ps.executeBatch();
                recordRpo(c, summary);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return summary.databases().size();
    }

    /** The run's recovery-point measurements ({@code rpo_measurements}, V15); the same run again replaces them. */
    private static void recordRpo(Connection c, SnapshotRunSummary summary) throws SQLException {
        if (summary.rpo().isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("insert into rpo_measurements (policy, database_id, region,"
                + " measured_at, kind, lag_seconds, objective_seconds, over) values (?, ?, ?, ?, ?, ?, ?, ?)"
                + " on conflict on constraint rpo_measurements_key do update set region = excluded.region,"
                + " lag_seconds = excluded.lag_seconds, objective_seconds = excluded.objective_seconds,"
                + " over = excluded.over")) {
            for (RpoMeasurement m : summary.rpo()) {
                ps.setString(1, m.policy());
                ps.setString(2, m.databaseId());
                ps.setString(3, m.region());
                ps.setTimestamp(4, Timestamp.from(m.measuredAt()));
                ps.setString(5, m.kind().label());
                if (m.lag() == null) {
                    ps.setNull(6, Types.NUMERIC);
                } else {
                    ps.setDouble(6, m.lagSeconds());
                }
                if (m.objective() == null) {
                    ps.setNull(7, Types.NUMERIC);
                } else {
                    ps.setDouble(7, m.objective().toMillis() / 1000.0);
                }
                ps.setBoolean(8, m.over());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int snapshot(PreparedStatement ps, int i, Snapshot s) throws SQLException {
        if (s == null) {
            ps.setNull(i, Types.VARCHAR);
            ps.setNull(i + 1, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setString(i, s.id());
            ps.setTimestamp(i + 1, Timestamp.from(s.createdAt()));
        }
        return i + 2;
    }

    /** For tests and reports: when the newest completed snapshot of {@code databaseId} was taken, per the latest run. */
    public Instant newestSnapshotAt(String policy, String databaseId, String region) throws SQLException {
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement("select newest_snapshot_at from snapshot_runs_latest"
                        + " where policy = ? and database_id = ? and region = ?")) {
            ps.setString(1, policy);
            ps.setString(2, databaseId);
            ps.setString(3, region);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        }
    }
}
