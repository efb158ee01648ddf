package dev.dbre.testing;

import dev.dbre.embedded.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real password checks on the shared embedded PostgreSQL. Its initdb uses {@code trust} (any
 * password logs in), which would let a test of a password login pass with a wrong password; this
 * puts a {@code scram-sha-256} rule first in {@code pg_hba.conf} for roles whose name starts with
 * {@value #PREFIX} (a PostgreSQL 16+ regular expression), and reloads the server. Other roles keep
 * trust.
 */
public final class PasswordLogins {
    /** Roles with this prefix must log in with their password over TCP. */
    public static final String PREFIX = "pwd_";

    private static final String RULE = "host all \"/^" + PREFIX + "\" 127.0.0.1/32 scram-sha-256";

    private PasswordLogins() {}

    /** Enables the rule on the shared server (once) and returns it. */
    public static synchronized LocalPostgres enable() {
        LocalPostgres server = PostgresExtension.server();
        Path hba = server.dataDir().resolve("pg_hba.conf");
        try {
            String content = Files.readString(hba, StandardCharsets.UTF_8);
            if (!content.contains(RULE)) {
                Files.writeString(hba, RULE + "\n" + content, StandardCharsets.UTF_8);
                try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("select pg_reload_conf()");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not reload pg_hba.conf", e);
        }
        return server;
    }

    /** A fresh role name under the password rule. */
    public static String newRoleName() {
        return PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
