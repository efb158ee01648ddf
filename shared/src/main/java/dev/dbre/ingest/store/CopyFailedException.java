package dev.dbre.ingest.store;

import java.sql.SQLException;

/**
 * Carries an I/O failure of the COPY stream out of a parser's line callback (which cannot throw
 * checked exceptions). {@link BinaryCopySink#failure()} keeps the cause as well, in case a parser
 * swallows it.
 */
public final class CopyFailedException extends RuntimeException {
    public CopyFailedException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }
}
