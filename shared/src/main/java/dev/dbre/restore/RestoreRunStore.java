package dev.dbre.restore;

import dev.dbre.port.SnapshotRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of {@code restore_runs} and {@code restore_run_events} (schema V3, V5, V16). Values always bound. */
final class RestoreRunStore {
    private static final String COLUMNS = "run_id, request_key, source_id, new_name, target_time, drill,"
            + " request::text, state, outcome, failure_reason, endpoint_host, endpoint_port, verification::text,"
            + " attempts, last_error, requested_at, updated_at, verified_at, recovery_seconds, deadline_at, start_ref,"
            + " snapshot_id, snapshot_database, snapshot_region, snapshot_time";

    /** The partial unique index of V5: one active run per new name. */
    static final String ACTIVE_NAME_KEY = "restore_runs_active_name_key";

    private RestoreRunStore() {}

    static Optional<RestoreRun> findByKey(Connection c, String key) throws SQLException {
        return one(c, "select " + COLUMNS + " from restore_runs where request_key = ?", ps -> ps.setString(1, key));
    }

    static Optional<RestoreRun> find(Connection c, UUID runId) throws SQLException {
        return one(c, "select " + COLUMNS + " from restore_runs where run_id = ?", ps -> ps.setObject(1, runId));
    }

    /** The run, locked until the transaction ends; empty if missing or locked by another invocation. */
    static Optional<RestoreRun> lock(Connection c, UUID runId) throws SQLException {
        return one(
                c,
                "select " + COLUMNS + " from restore_runs where run_id = ? for update skip locked",
                ps -> ps.setObject(1, runId));
    }

    /**
     * True when an active run uses {@code newName}: any state but CLEANED_UP and CLEANUP_FAILED (the
     * predicate of {@link #ACTIVE_NAME_KEY}, which is what holds when two submits race).
     */
    static boolean nameInUse(Connection c, String newName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from restore_runs where new_name = ?"
                + " and state not in ('CLEANED_UP', 'CLEANUP_FAILED') limit 1")) {
            ps.setString(1, newName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Inserts a new run; false if a run with the same key exists already (a concurrent submit).
     *
     * @throws SQLException SQLSTATE 23505 on {@link #ACTIVE_NAME_KEY} when an active run has the name
     */
    static boolean insert(Connection c, RestoreRun r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into restore_runs (run_id, request_key, source_id,"
                        + " new_name, target_time, drill, request, state, requested_at, updated_at, deadline_at,"
                        + " snapshot_id, snapshot_database, snapshot_region, snapshot_time)"
                        + " values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (request_key) do nothing")) {
            ps.setObject(1, r.runId());
            ps.setString(2, r.requestKey());
            ps.setString(3, r.sourceId());
            ps.setString(4, r.newName());
            setTime(ps, 5, r.targetTime());
            ps.setBoolean(6, r.drill());
            ps.setString(7, r.request().toJson());
            ps.setString(8, r.state().name());
            setTime(ps, 9, r.requestedAt());
            setTime(ps, 10, r.updatedAt());
            setTime(ps, 11, r.deadline());
            SnapshotRef snap = r.snapshot();
            ps.setString(12, snap == null ? null : snap.id());
            ps.setString(13, snap == null ? null : snap.databaseId());
            ps.setString(14, snap == null ? null : snap.region());
            setTime(ps, 15, r.snapshotTime());
            return ps.executeUpdate() == 1;
        }
    }

    static void update(Connection c, RestoreRun r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update restore_runs set state = ?, outcome = ?,"
                + " failure_reason = ?, endpoint_host = ?, endpoint_port = ?, verification = ?::jsonb, attempts = ?,"
                + " last_error = ?, updated_at = ?, verified_at = ?, recovery_seconds = ?, start_ref = ?"
                + " where run_id = ?")) {
            ps.setString(1, r.state().name());
            ps.setString(2, r.outcome() == null ? null : r.outcome().name());
            ps.setString(3, r.failureReason());
            ps.setString(4, r.endpointHost());
            if (r.endpointPort() > 0) {
                ps.setInt(5, r.endpointPort());
            } else {
                ps.setNull(5, Types.INTEGER);
            }
            ps.setString(6, r.verificationJson());
            ps.setInt(7, r.attempts());
            ps.setString(8, r.lastError());
            setTime(ps, 9, r.updatedAt());
            setTime(ps, 10, r.verifiedAt());
            if (r.recoverySeconds() == null) {
                ps.setNull(11, Types.NUMERIC);
            } else {
                ps.setDouble(11, r.recoverySeconds());
            }
            ps.setString(12, r.startRef());
            ps.setObject(13, r.runId());
            ps.executeUpdate();
        }
    }

    static void event(Connection c, UUID runId, RestoreState state, Instant at, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into restore_run_events (run_id, seq, state, at, detail)"
                + " select ?, coalesce(max(seq), 0) + 1, ?, ?, ? from restore_run_events where run_id = ?")) {
            ps.setObject(1, runId);
            ps.setString(2, state.name());
            setTime(ps, 3, at);
            ps.setString(4, detail);
            ps.setObject(5, runId);
            ps.executeUpdate();
        }
    }

    static List<RestoreEvent> events(Connection c, UUID runId) throws SQLException {
        List<RestoreEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, state, at, detail from restore_run_events where run_id = ? order by seq")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RestoreEvent(
                            rs.getInt(1),
                            RestoreState.valueOf(rs.getString(2)),
                            rs.getTimestamp(3).toInstant(),
                            rs.getString(4)));
                }
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static Optional<RestoreRun> one(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static RestoreRun read(ResultSet rs) throws SQLException {
        String outcome = rs.getString(9);
        double recovery = rs.getDouble(19);
        boolean noRecovery = rs.wasNull();
        RestoreRun.Columns run = new RestoreRun.Columns();
        run.runId = rs.getObject(1, UUID.class);
        run.requestKey = rs.getString(2);
        run.sourceId = rs.getString(3);
        run.newName = rs.getString(4);
        run.targetTime = time(rs, 5);
        run.drill = rs.getBoolean(6);
        run.request = RestoreRequest.parseStored(rs.getString(7));
        run.state = RestoreState.valueOf(rs.getString(8));
        run.outcome = outcome == null ? null : RestoreState.valueOf(outcome);
        run.failureReason = rs.getString(10);
        run.endpointHost = rs.getString(11);
        run.endpointPort = rs.getInt(12);
        run.verificationJson = rs.getString(13);
        run.attempts = rs.getInt(14);
        run.lastError = rs.getString(15);
        run.requestedAt = time(rs, 16);
        run.updatedAt = time(rs, 17);
        run.verifiedAt = time(rs, 18);
        run.recoverySeconds = noRecovery ? null : recovery;
        run.deadline = time(rs, 20);
        run.startRef = rs.getString(21);
        String snapshotId = rs.getString(22);
        run.snapshot = snapshotId == null ? null : new SnapshotRef(snapshotId, rs.getString(23), rs.getString(24));
        run.snapshotTime = time(rs, 25);
        return run.toRun();
    }

    private static Instant time(ResultSet rs, int i) throws SQLException {
        Timestamp t = rs.getTimestamp(i);
        return t == null ? null : t.toInstant();
    }

    private static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, t.atOffset(java.time.ZoneOffset.UTC));
        }
    }
}
