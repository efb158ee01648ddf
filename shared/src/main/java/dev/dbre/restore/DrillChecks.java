package dev.dbre.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The checks every fleet drill runs besides its policy's queries: the restored server accepts
 * connections; the databases the source had when the drill was requested exist; and each table's
 * row estimate ({@code pg_class.reltuples}) is within a tolerance of the source's at request time
 * (tables the source estimated below a minimum are skipped: small tables swing by large fractions).
 * The source's figures are read when the drill is requested and kept in {@code drill_runs}; a drill
 * whose source could not be read still checks connections and its own database, and says the
 * comparison was skipped and why.
 */
public final class DrillChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Check names, as they appear in the run's verification results. */
    public static final String CONNECTS = "server accepts connections";

    public static final String DATABASES = "expected databases exist";
    public static final String ROW_ESTIMATES = "row estimates match the source";

    /** One table's row estimate. */
    public record TableRows(String schema, String table, double rows) {}

    /**
     * What the source looked like when the drill was requested.
     *
     * @param databases the source's databases (templates excluded)
     * @param tables the tables of the drill's database the source estimated at or above {@code minRows}
     * @param tolerance the fraction a restored estimate may differ by
     */
    public record SourceFigures(List<String> databases, List<TableRows> tables, double tolerance, long minRows) {
        public SourceFigures {
            databases = List.copyOf(databases);
            tables = List.copyOf(tables);
        }

        String toJson() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write source figures", e);
            }
        }

        static SourceFigures fromJson(String json) {
            try {
                return JSON.readValue(json, SourceFigures.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable source figures in drill_runs: " + e.getMessage(), e);
            }
        }
    }

    /** The figures kept for a drill: at most one of them set (neither for a run that is not a fleet drill). */
    record Stored(SourceFigures figures, String error) {}

    private DrillChecks() {}

    /**
     * Reads the source's databases and the row estimates of {@code database}'s tables.
     *
     * @param database the drill's database, where the tables are read
     * @throws SQLException if the source cannot be read
     */
    public static SourceFigures capture(
            ConnectionFactory source, String database, double tolerance, long minRows, Duration timeout)
            throws SQLException {
        try (Connection c = source.open()) {
            c.setReadOnly(true);
            timeout(c, timeout);
            return new SourceFigures(databases(c), tables(c, minRows), tolerance, minRows);
        }
    }

    /**
     * The drill checks of run {@code run} against its restored database, or nothing when the run is
     * not a fleet drill (no {@code drill_runs} row).
     *
     * @param stored the run's {@code drill_runs} figures ({@link #stored}), empty when it has none
     * @param restored connections to the restored copy's drill database
     * @throws SQLException if the restored server does not accept connections (the caller retries
     *     a transient fault and fails the run otherwise)
     */
    static List<Verifier.CheckResult> run(
            Optional<Stored> stored, RestoreRun run, ConnectionFactory restored, Duration timeout) throws SQLException {
        if (stored.isEmpty()) {
            return List.of();
        }
        SourceFigures figures = stored.get().figures();
        List<Verifier.CheckResult> results = new ArrayList<>();
        try (Connection c = restored.open()) {
            c.setReadOnly(true);
            timeout(c, timeout);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
                results.add(new Verifier.CheckResult(CONNECTS, true, "a session", "connected", null));
            }
            Set<String> expected = new LinkedHashSet<>();
            expected.add(run.request().database());
            if (figures != null) {
                expected.addAll(figures.databases());
            }
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(databases(c));
            results.add(new Verifier.CheckResult(
                    DATABASES,
                    missing.isEmpty(),
                    String.join(", ", expected),
                    missing.isEmpty() ? "all present" : "missing: " + String.join(", ", missing),
                    null));
            if (figures == null) {
                results.add(new Verifier.CheckResult(
                        ROW_ESTIMATES,
                        true,
                        "estimates of the source's tables",
                        "skipped: the source's figures could not be read at request time ("
                                + stored.get().error() + ")",
                        null));
            } else {
                results.add(compare(figures, tables(c, -1))); // -1: never analysed
            }
        }
        return results;
    }

    /** The row-estimate check: every source table present, each estimate within the tolerance. */
    static Verifier.CheckResult compare(SourceFigures source, List<TableRows> restored) {
        Map<String, Double> byName = new HashMap<>();
        for (TableRows t : restored) {
            byName.put(t.schema() + "." + t.table(), t.rows());
        }
        List<String> off = new ArrayList<>();
        for (TableRows t : source.tables()) {
            String name = t.schema() + "." + t.table();
            Double rows = byName.get(name);
            if (rows == null) {
                off.add(name + " missing");
            } else if (Math.abs(rows - t.rows()) > source.tolerance() * t.rows()) {
                off.add(String.format(Locale.ROOT, "%s %.0f rows, source %.0f", name, rows, t.rows()));
            }
        }
        String expected = String.format(
                Locale.ROOT,
                "%d tables of at least %d rows within %.0f%% of the source",
                source.tables().size(),
                source.minRows(),
                source.tolerance() * 100);
        String actual = off.isEmpty()
                ? "all within"
                : off.size() + " off: " + String.join("; ", off.subList(0, Math.min(10, off.size())))
                        + (off.size() > 10 ? "; ..." : "");
        return new Verifier.CheckResult(ROW_ESTIMATES, off.isEmpty(), expected, actual, null);
    }

    static void record(Connection c, UUID runId, SourceFigures figures, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update drill_runs set source_figures = ?::jsonb, source_figures_error = ? where run_id = ?")) {
            ps.setString(1, figures == null ? null : figures.toJson());
            ps.setString(2, error);
            ps.setObject(3, runId);
            ps.executeUpdate();
        }
    }

    /** The figures kept for run {@code runId}; empty when it is not a fleet drill. */
    static Optional<Stored> stored(Connection c, UUID runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select source_figures::text, source_figures_error from drill_runs where run_id = ?")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String json = rs.getString(1);
                String error = rs.getString(2);
                return Optional.of(new Stored(
                        json == null ? null : SourceFigures.fromJson(json),
                        json == null && error == null ? "not read yet" : error));
            }
        }
    }

    private static void timeout(Connection c, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select set_config('statement_timeout', ?, false)")) {
            ps.setString(1, Long.toString(Math.max(1, timeout.toMillis())));
            ps.execute();
        }
    }

    private static List<String> databases(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select datname from pg_database where not datistemplate order by 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Ordinary and partitioned tables outside the system schemas, with their row estimates. */
    private static List<TableRows> tables(Connection c, long minRows) throws SQLException {
        List<TableRows> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select n.nspname, c.relname, c.reltuples::float8"
                + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')"
                + " and n.nspname not like 'pg_toast%' and c.reltuples >= ? order by 1, 2")) {
            ps.setDouble(1, minRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableRows(rs.getString(1), rs.getString(2), rs.getDouble(3)));
                }
            }
        }
        return out;
    }
}
