package dev.dbre.db;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * The one table that says which database failures are transient (worth retrying the same work
 * later) and which are not (a bug or a schema problem that a retry would only repeat).
 *
 * <p>Transient, from the PostgreSQL error-code appendix (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 *
 * <ul>
 *   <li>class 08 — connection exception (08000, 08003 connection does not exist, 08006
 *       connection failure, 08001 cannot connect, 08004 rejected by the server). PgJDBC also
 *       reports a lost socket as 08006.
 *   <li>40001 serialization_failure, 40P01 deadlock_detected — the transaction lost a race.
 *   <li>57P01 admin_shutdown (also what {@code pg_terminate_backend} gives), 57P02
 *       crash_shutdown, 57P03 cannot_connect_now (starting up, recovery, failover).
 *   <li>class 53 — insufficient resources (53100 disk full, 53200 out of memory, 53300 too many
 *       connections, 53400 configuration limit exceeded).
 *   <li>55P03 lock_not_available — {@code lock_timeout} ended a wait for a lock, e.g. a record key
 *       held by another session's open (possibly abandoned) transaction ({@link DbTimeouts}).
 *   <li>57014 query_canceled — {@code statement_timeout}, or a cancel request.
 * </ul>
 *
 * Also transient: an {@link IOException} anywhere in the cause chain (socket closed, reset,
 * timed out) and JDBC's own {@link SQLTransientException} / {@link SQLRecoverableException}.
 * Everything else (syntax, constraint, data exceptions, 42xxx) is permanent: a bug to log at
 * error level, not something a retry fixes.
 *
 * <p>Of the permanent ones, a data fault may be caused by the values of one row, so another row
 * may pass ({@link #isDataFault}): class 22 data exception (a value out of range, an invalid byte
 * sequence), class 23 integrity constraint violation (a check, not-null or foreign-key constraint;
 * a unique one other than the key the code claims), class 54 program limit exceeded (a row or index
 * entry too large). The others (42 a missing table or a revoked grant, 0A, 25, 3D, 3F, XX, ...)
 * are about the database or the code, whatever the row.
 */
public final class SqlStates {
    /** PgJDBC's state for a connection lost or a socket error. */
    public static final String CONNECTION_FAILURE = "08006";

    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String DEADLOCK_DETECTED = "40P01";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String CRASH_SHUTDOWN = "57P02";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    public static final String QUERY_CANCELED = "57014";

    private SqlStates() {}

    /** True when {@code sqlState} names a fault that a later retry of the same work may not meet. */
    public static boolean isTransient(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return sqlState.startsWith("08")
                || sqlState.startsWith("53")
                || sqlState.equals(SERIALIZATION_FAILURE)
                || sqlState.equals(DEADLOCK_DETECTED)
                || sqlState.equals(ADMIN_SHUTDOWN)
                || sqlState.equals(CRASH_SHUTDOWN)
                || sqlState.equals(CANNOT_CONNECT_NOW)
                || sqlState.equals(LOCK_NOT_AVAILABLE)
                || sqlState.equals(QUERY_CANCELED);
    }

    /**
     * True when {@code failure} (or anything in its cause chain) is a transient fault: a
     * transient SQLSTATE, an I/O error, or one of JDBC's transient/recoverable exception types.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && isTransient(sql.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * True when {@code sqlState} is of a class whose faults can come from one row's values (22, 23,
     * 54): the same statement with other rows may succeed.
     */
    public static boolean isDataFault(String sqlState) {
        return sqlState != null
                && sqlState.length() == 5
                && (sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54"));
    }

    /** The first SQLSTATE in the cause chain, or null. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
