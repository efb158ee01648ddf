package dev.dbre.rotation;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Port: logs in to the database a {@link DbSecret} describes, with its user and password. The
 * default is {@link PgSecretConnector}; a cloud may supply one that also knows its CA bundle or a
 * proxy.
 */
@FunctionalInterface
public interface SecretConnector {
    /**
     * @return an open connection in auto-commit mode
     * @throws SQLException if the server cannot be reached, the TLS handshake or certificate check
     *     fails, or the login is refused (SQLSTATE 28P01 / 28000)
     */
    Connection open(DbSecret secret) throws SQLException;
}
