package dev.dbre.slo;

import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert state kept between runs in {@code slo_alert_state} (V13). {@link #transition} reads the
 * last state, lets the caller act on the changes (send the notice) and writes the new state, all in
 * one transaction that holds an advisory lock, so two overlapping runs cannot both notify the same
 * change: the second waits and then sees the first one's state. The table holds the alerts of one
 * spec set: a run's state replaces the last one, so an alert the run did not observe (its SLO,
 * objective or rule is no longer in the specs) is deleted.
 */
public final class AlertStateStore {
    /** Locks the alert state of the whole table (any constant works; this one spells "slo"). */
    private static final long LOCK_KEY = 0x736c6fL;

    private static final String UPSERT =
            "insert into slo_alert_state (slo, objective, alert, severity, firing, since, updated_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?) on conflict on constraint slo_alert_state_key do update set"
                    + " severity = excluded.severity, firing = excluded.firing, since = excluded.since,"
                    + " updated_at = excluded.updated_at";

    /** What one alert was at the last run. */
    public record State(boolean firing, Instant since, String severity) {}

    /** Identifies an alert across runs. */
    public record Key(String slo, String objective, String alert) {}

    /** One alert as this run found it. */
    public record Observed(Key key, String severity, boolean firing) {}

    /** What the caller does with the changes before they are written; throwing rolls back. */
    @FunctionalInterface
    public interface OnChanges {
        void accept(Map<Key, State> previous) throws Exception;
    }

    private final ConnectionFactory connections;

    public AlertStateStore(ConnectionFactory connections) {
        this.connections = connections;
    }

    /**
     * In one transaction: locks the state, reads it, calls {@code onChanges} with it, then writes
     * every observed alert (keeping {@code since} of an alert whose state did not change) and deletes
     * the state of every alert not observed.
     *
     * @throws SQLException if the database fails (nothing is written)
     * @throws Exception what {@code onChanges} threw (nothing is written)
     */
    public void transition(List<Observed> observed, Instant at, OnChanges onChanges) throws Exception {
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, LOCK_KEY);
                    lock.execute();
                }
                Map<Key, State> previous = read(c);
                onChanges.accept(previous);
                try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                    for (Observed o : observed) {
                        State before = previous.get(o.key());
                        Instant since = before != null && before.firing() == o.firing() ? before.since() : at;
                        ps.setString(1, o.key().slo());
                        ps.setString(2, o.key().objective());
                        ps.setString(3, o.key().alert());
                        ps.setString(4, o.severity());
                        ps.setBoolean(5, o.firing());
                        ps.setTimestamp(6, Timestamp.from(since));
                        ps.setTimestamp(7, Timestamp.from(at));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                deleteUnobserved(c, previous, observed);
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deletes the alerts of the last run that this run did not observe (removed from the specs). */
    private static void deleteUnobserved(Connection c, Map<Key, State> previous, List<Observed> observed)
            throws SQLException {
        Set<Key> seen = new HashSet<>();
        observed.forEach(o -> seen.add(o.key()));
        try (PreparedStatement ps =
                c.prepareStatement("delete from slo_alert_state where slo = ? and objective = ? and alert = ?")) {
            int n = 0;
            for (Key k : previous.keySet()) {
                if (!seen.contains(k)) {
                    ps.setString(1, k.slo());
                    ps.setString(2, k.objective());
                    ps.setString(3, k.alert());
                    ps.addBatch();
                    n++;
                }
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }
    }

    /** The state as the last run left it. */
    public Map<Key, State> read() throws SQLException {
        try (Connection c = connections.open()) {
            return read(c);
        }
    }

    private static Map<Key, State> read(Connection c) throws SQLException {
        Map<Key, State> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "select slo, objective, alert, firing, since, severity from slo_alert_state");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        new Key(rs.getString(1), rs.getString(2), rs.getString(3)),
                        new State(rs.getBoolean(4), rs.getTimestamp(5).toInstant(), rs.getString(6)));
            }
        }
        return out;
    }
}
