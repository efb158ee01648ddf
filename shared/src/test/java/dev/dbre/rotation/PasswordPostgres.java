package dev.dbre.rotation;

import static dev.dbre.db.SqlText.identifier;
import static dev.dbre.db.SqlText.literal;

import dev.dbre.embedded.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second embedded PostgreSQL for the rotation tests, where logins need a password: its {@code
 * pg_hba.conf} trusts only the superuser {@code postgres} (for test set-up) and asks every other
 * role for SCRAM-SHA-256 over TCP. (The shared PostgresExtension server trusts everyone, so a
 * wrong password would log in too.) One per test JVM, for any module's rotation tests; an administrator role like RDS's master
 * user: CREATEROLE, not superuser.
 */
public final class PasswordPostgres {
    public static final String ADMIN = "dbre_admin";
    public static final String ADMIN_PASSWORD = "Adm1n-" + java.util.UUID.randomUUID();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static LocalPostgres server;
    private static Path serverLog;

    private PasswordPostgres() {}

    public static synchronized LocalPostgres server() {
        if (server == null) {
            Path base = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "rotation-pg-" + ProcessHandle.current().pid());
            serverLog = base.toAbsolutePath().resolve("pglog").resolve("postgresql.log");
            // The server's own log, with every statement, goes to a file the tests scan too.
            LocalPostgres pg = LocalPostgres.start(
                    base,
                    0,
                    Map.of(
                            "password_encryption", "scram-sha-256",
                            "log_statement", "all",
                            "logging_collector", "on",
                            "log_directory", serverLog.getParent().toString(),
                            "log_filename", "postgresql.log",
                            "log_rotation_size", "0",
                            "log_rotation_age", "0"));
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "rotation-pg-stop"));
            try {
                Files.writeString(pg.dataDir().resolve("pg_hba.conf"), """
                        # rotation tests: only the superuser is trusted; everyone else proves a password
                        local all postgres trust
                        host  all postgres 127.0.0.1/32 trust
                        host  all all      127.0.0.1/32 scram-sha-256
                        host  all all      ::1/128      scram-sha-256
                        """);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = pg;
            superuser(
                    "postgres",
                    "SELECT pg_reload_conf()",
                    "CREATE ROLE " + ADMIN + " LOGIN CREATEROLE PASSWORD "
                            + literal(ScramVerifier.of(ADMIN_PASSWORD, new java.security.SecureRandom())));
            checkHba();
        }
        return server;
    }

    /** The server's log file (statements included). */
    public static synchronized Path serverLog() {
        server();
        return serverLog;
    }

    private static void checkHba() {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"
                        + " OR (auth_method = 'scram-sha-256')")) {
            rs.next();
            if (rs.getInt(1) != 2) {
                throw new IllegalStateException("pg_hba.conf was not loaded as written");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new database; the administrator may connect, and owns nothing in it. */
    public static String newDatabase() {
        String name = "rot" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        superuser("postgres", "CREATE DATABASE " + name);
        return name;
    }

    /** Runs statements as the superuser, in {@code database}. */
    public static void superuser(String database, String... sql) {
        run(server().jdbcUrl(database), "postgres", "", sql);
    }

    /** Runs statements as the administrator (password login), in {@code database}. */
    public static void admin(String database, String... sql) {
        run(server().jdbcUrl(database), ADMIN, ADMIN_PASSWORD, sql);
    }

    private static void run(String url, String user, String password, String... sql) {
        if (url == null) {
            throw new IllegalStateException("server not started");
        }
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Whether {@code user} logs in with {@code password}. */
    public static boolean logsIn(String database, String user, String password) {
        try (Connection c = DriverManager.getConnection(server().jdbcUrl(database), user, password)) {
            return c.isValid(2);
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState())) {
                return false;
            }
            throw new IllegalStateException("unexpected login failure: " + e.getSQLState() + " " + e.getMessage());
        }
    }

    public static String quoted(String name) {
        return identifier(name);
    }
}
