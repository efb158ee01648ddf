package dev.dbre.ingest.store;

import java.sql.SQLException;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * One table's binary COPY stream within a transaction. Rows are encoded into a reusable buffer;
 * a streaming table sends it to the server each time it passes {@code chunkBytes}, so memory stays
 * flat however large the batch. The COPY is started lazily, on the first flush, so a table that
 * gets no row costs no round trip.
 *
 * <p>A connection can run only one COPY at a time: only one table streams (metric_points, the
 * bulk of the rows); the others ({@code chunkBytes == 0}) hold their rows until {@link #finish}.
 * Their buffers are bounded by the batch's payload (a check, event or reject is never much
 * larger than its line).
 */
final class TableCopy {
    private final String sql;
    private final int chunkBytes;
    private final PgBinaryBuffer rows;
    private CopyManager manager;
    private CopyIn copy;
    private long count;
    private long ioNanos;

    /**
     * @param sql {@code COPY table (columns) FROM STDIN (FORMAT binary)}
     * @param chunkBytes flush threshold, or 0 to hold every row until {@link #finish}
     */
    TableCopy(String sql, int chunkBytes, int initialBytes) {
        this.sql = sql;
        this.chunkBytes = chunkBytes;
        this.rows = new PgBinaryBuffer(initialBytes);
    }

    /** Starts a new (empty) stream for a transaction on {@code copyManager}'s connection. */
    void begin(CopyManager copyManager) {
        this.manager = copyManager;
        this.copy = null;
        this.count = 0;
        this.ioNanos = 0;
        rows.clear();
        rows.header();
    }

    /** Starts a row of {@code fields} columns; write them into the returned buffer. */
    PgBinaryBuffer row(int fields) {
        count++;
        rows.tuple(fields);
        return rows;
    }

    /** Sends the buffered rows when a streaming table has a full chunk. */
    void endRow() throws SQLException {
        if (chunkBytes > 0 && rows.size() >= chunkBytes) {
            flush();
        }
    }

    long rowCount() {
        return count;
    }

    int capacity() {
        return rows.capacity();
    }

    long ioNanos() {
        return ioNanos;
    }

    /**
     * Ends the stream: sends the remaining rows and the trailer and waits for the server.
     *
     * @return the rows the server reports copied (0 when there were none and no COPY was run)
     * @throws SQLException if the COPY fails or the connection is lost
     */
    long finish() throws SQLException {
        if (count == 0) {
            return 0;
        }
        rows.trailer();
        flush();
        long t0 = System.nanoTime();
        long copied = copy.endCopy();
        ioNanos += System.nanoTime() - t0;
        copy = null;
        return copied;
    }

    /** Abandons a running COPY after a failure (best effort; the transaction is rolled back). */
    void abort() {
        CopyIn running = copy;
        copy = null;
        if (running != null && running.isActive()) {
            try {
                running.cancelCopy();
            } catch (SQLException | RuntimeException ignored) {
                // The connection is discarded after a failure anyway.
            }
        }
    }

    private void flush() throws SQLException {
        long t0 = System.nanoTime();
        if (copy == null) {
            copy = manager.copyIn(sql);
        }
        copy.writeToCopy(rows.array(), 0, rows.size());
        rows.clear();
        ioNanos += System.nanoTime() - t0;
    }
}
