package dev.dbre.restore;

import dev.dbre.port.BackupPolicy.DrillKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The SQL of {@code drill_runs} (schema V14). Values always bound. */
final class DrillRunStore {
    /** The states in which a drill run is over (its database deleted, or left for an operator). */
    private static final String OVER = "('CLEANED_UP', 'CLEANUP_FAILED')";

    private DrillRunStore() {}

    /** A database's drills under one policy, as the planner reads them. */
    record History(Instant lastVerified, Instant lastFailed, DrillKind lastKind, boolean active) {}

    /** Records that run {@code runId} is policy {@code policy}'s drill; nothing if it is recorded already. */
    static void insert(
            Connection c,
            UUID runId,
            String policy,
            String databaseId,
            String region,
            DrillKind kind,
            Instant requestedAt,
            Duration rto)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into drill_runs (run_id, policy, database_id, region,"
                + " kind, requested_at, rto_objective_seconds) values (?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (run_id) do nothing")) {
            ps.setObject(1, runId);
            ps.setString(2, policy);
            ps.setString(3, databaseId);
            ps.setString(4, region);
            ps.setString(5, kind.label());
            ps.setObject(6, requestedAt.atOffset(ZoneOffset.UTC));
            if (rto == null) {
                ps.setNull(7, Types.NUMERIC);
            } else {
                ps.setDouble(7, rto.toMillis() / 1000.0);
            }
            ps.executeUpdate();
        }
    }

    /** True when the run's source figures (or the reason they are missing) have been recorded. */
    static boolean figuresRecorded(Connection c, UUID runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select source_figures is not null"
                + " or source_figures_error is not null from drill_runs where run_id = ?")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Per database id: policy {@code policy}'s drill history. */
    static Map<String, History> history(Connection c, String policy) throws SQLException {
        Map<String, History> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select d.database_id,"
                + " max(r.verified_at) filter (where r.outcome = 'VERIFIED'),"
                + " max(d.requested_at) filter (where r.outcome = 'FAILED'),"
                + " bool_or(r.state not in " + OVER + "),"
                + " (array_agg(d.kind order by d.requested_at desc))[1]"
                + " from drill_runs d join restore_runs r using (run_id) where d.policy = ? group by d.database_id")) {
            ps.setString(1, policy);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getString(1),
                            new History(
                                    time(rs.getTimestamp(2)),
                                    time(rs.getTimestamp(3)),
                                    DrillKind.valueOf(rs.getString(5).toUpperCase(java.util.Locale.ROOT)),
                                    rs.getBoolean(4)));
                }
            }
        }
        return out;
    }

    /** A drill run not yet over, with what the fleet needs to report on it. */
    record Active(UUID runId, String policy, String databaseId, DrillKind kind, Duration rto) {}

    /** Every fleet drill run not yet over, oldest first. */
    static List<Active> active(Connection c) throws SQLException {
        List<Active> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select d.run_id, d.policy, d.database_id, d.kind,"
                + " d.rto_objective_seconds from drill_runs d join restore_runs r using (run_id)"
                + " where r.state not in " + OVER + " order by d.requested_at, d.run_id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double rto = rs.getDouble(5);
                    boolean noRto = rs.wasNull();
                    out.add(new Active(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getString(3),
                            DrillKind.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)),
                            noRto ? null : Duration.ofMillis(Math.round(rto * 1000))));
                }
            }
        }
        return out;
    }

    private static Instant time(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
