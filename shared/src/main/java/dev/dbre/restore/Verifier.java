package dev.dbre.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.ConnectionFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * Runs a request's verification queries against the restored database, so that a query cannot
 * change the restored data or outlast the invocation:
 *
 * <ul>
 *   <li>each query must be one statement and a query ({@link VerifyQuery}); anything else fails
 *       its check without being sent;
 *   <li>the session defaults to read-only, and all checks run in one read-only transaction that is
 *       rolled back at the end (nothing a query sets outlives the run);
 *   <li>each query runs inside a savepoint: in a subtransaction PostgreSQL refuses to turn {@code
 *       transaction_read_only} off, so {@code set_config(...)} cannot lift it;
 *   <li>each query gets {@code statement_timeout} set just before it (fitting the invocation's
 *       remaining time): the server arms the timer when the statement starts, so a {@code
 *       set_config('statement_timeout', ...)} inside the query does not change it, and the next
 *       check sets it again.
 * </ul>
 */
public final class Verifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One query's result.
     *
     * @param actual the value read (first column of the first row, or the rows' md5 for checksum)
     * @param error the SQL error if the query failed, else null
     */
    public record CheckResult(String name, boolean passed, String expected, String actual, String error) {}

    private Verifier() {}

    /**
     * Runs every check; a failing query fails its check only.
     *
     * @throws SQLException if the database cannot be reached (a connection fault: try again later)
     */
    public static List<CheckResult> run(ConnectionFactory db, List<RestoreRequest.VerifyCheck> checks, Duration timeout)
            throws SQLException {
        List<CheckResult> results = new ArrayList<>();
        try (Connection c = db.open()) {
            try (Statement s = c.createStatement()) {
                s.execute("set default_transaction_read_only = on");
            }
            BaseConnection pg = c.unwrap(BaseConnection.class);
            if (pg.getPreferQueryMode() == PreferQueryMode.SIMPLE) {
                // The simple protocol runs every command in a string; the extended one refuses a second.
                throw new SQLException(
                        "verification needs PgJDBC's extended query protocol, not preferQueryMode=simple");
            }
            boolean standardStrings = pg.getStandardConformingStrings();
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                // PgJDBC begins the transaction READ ONLY (setReadOnly); said again so that it holds
                // whatever PgJDBC's readOnlyMode.
                s.execute("set transaction read only");
            }
            for (RestoreRequest.VerifyCheck check : checks) {
                results.add(runOne(c, check, timeout, standardStrings));
            }
            c.rollback();
        }
        return results;
    }

    private static CheckResult runOne(
            Connection c, RestoreRequest.VerifyCheck check, Duration timeout, boolean standardStrings)
            throws SQLException {
        String expected = check.expect().describe();
        VerifyQuery query = VerifyQuery.check(check.sql(), standardStrings);
        if (query.refusal() != null) {
            return new CheckResult(check.name(), false, expected, null, "REFUSED: the query " + query.refusal());
        }
        try (Statement s = c.createStatement()) {
            s.execute("set local statement_timeout = " + Math.max(1, timeout.toMillis()));
            s.execute("savepoint check_query");
            try (ResultSet rs = s.executeQuery(query.statement())) {
                String actual;
                boolean passed;
                if (check.expect().checksum() != null) {
                    actual = checksum(rs);
                    passed = actual.equals(check.expect().checksum());
                } else {
                    actual = rs.next() ? rs.getString(1) : null;
                    passed = matches(check.expect(), actual);
                }
                s.execute("release savepoint check_query");
                return new CheckResult(check.name(), passed, expected, actual, null);
            } catch (SQLException e) {
                if (c.isClosed() || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
                    throw e;
                }
                s.execute("rollback to savepoint check_query");
                return new CheckResult(check.name(), false, expected, null, e.getSQLState() + ": " + e.getMessage());
            }
        }
    }

    static boolean matches(RestoreRequest.Expect e, String actual) {
        if (e.atLeast() != null || e.atMost() != null) {
            BigDecimal v = number(actual);
            if (v == null) {
                return false;
            }
            return e.atLeast() != null ? v.compareTo(e.atLeast()) >= 0 : v.compareTo(e.atMost()) <= 0;
        }
        JsonNode want = e.equals();
        if (want == null || want.isNull()) {
            return actual == null;
        }
        if (actual == null) {
            return false;
        }
        if (want.isNumber()) {
            BigDecimal v = number(actual);
            return v != null && v.compareTo(want.decimalValue()) == 0;
        }
        if (want.isBoolean()) {
            // PostgreSQL's text form of a boolean is t/f.
            return (want.booleanValue() ? "t" : "f").equals(actual)
                    || String.valueOf(want.booleanValue()).equals(actual);
        }
        return want.asText().equals(actual);
    }

    /**
     * md5 (hex) of every row in order: columns' text joined by a tab (null as {@code \N}), each
     * row ended by a newline — what {@code COPY (query) TO STDOUT} prints for plain values.
     * Public so that a caller (the local end-to-end restore test) can compute the value to expect.
     */
    public static String checksum(ResultSet rs) throws SQLException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
        int n = rs.getMetaData().getColumnCount();
        StringBuilder row = new StringBuilder();
        while (rs.next()) {
            row.setLength(0);
            for (int i = 1; i <= n; i++) {
                if (i > 1) {
                    row.append('\t');
                }
                String v = rs.getString(i);
                row.append(v == null ? "\\N" : v);
            }
            row.append('\n');
            md.update(row.toString().getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static BigDecimal number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The results as the JSON stored in {@code restore_runs.verification}. */
    public static String toJson(List<CheckResult> results) {
        try {
            return JSON.writeValueAsString(results);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write verification results", e);
        }
    }
}
