package dev.dbre.testing;

import dev.dbre.db.SqlText;
import dev.dbre.embedded.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * A second embedded PostgreSQL, with TLS on (the test certificate in {@code tls/}, SAN
 * 127.0.0.1) and real password checks: roles named {@value PasswordLogins#PREFIX}* must log in over
 * TLS with their password; {@code postgres} is trusted (the tests' admin). Started on first use,
 * once per test JVM, so tests can prove verify-full and secret logins against a real server.
 */
public final class TlsPostgres {
    private static volatile LocalPostgres server;
    private static Path rootCert;

    private TlsPostgres() {}

    /** The server, started on first call. */
    public static synchronized LocalPostgres server() {
        if (server == null) {
            Path base = Path.of(
                            System.getProperty("java.io.tmpdir"),
                            "tls-pg-" + ProcessHandle.current().pid())
                    .toAbsolutePath();
            try {
                Path conf = Files.createDirectories(base.resolve("conf"));
                Path cert = copy("tls/localhost.pem", conf.resolve("server.crt"));
                Path key = copy("tls/localhost-key.pem", conf.resolve("server.key"));
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
                Path hba = Files.writeString(
                        conf.resolve("pg_hba.conf"),
                        "hostssl all \"/^" + PasswordLogins.PREFIX + "\" 127.0.0.1/32 scram-sha-256\n"
                                + "host all \"/^" + PasswordLogins.PREFIX + "\" 127.0.0.1/32 reject\n"
                                + "host all postgres 127.0.0.1/32 trust\n"
                                + "local all all trust\n");
                LocalPostgres started = LocalPostgres.start(
                        base,
                        0,
                        Map.of(
                                "ssl", "on",
                                "ssl_cert_file", cert.toString(),
                                "ssl_key_file", key.toString(),
                                "hba_file", hba.toString()));
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "tls-pg-stop"));
                rootCert = cert;
                server = started;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /**
     * Creates a fresh role under the password rule that logs in with {@code password}.
     *
     * @return the role's name
     * @throws SQLException if the role cannot be created
     */
    public static String newRole(String password) throws SQLException {
        String role = PasswordLogins.newRoleName();
        try (Connection c = DriverManager.getConnection(server().jdbcUrl("postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("create role " + SqlText.identifier(role) + " login password " + SqlText.literal(password));
        }
        return role;
    }

    /** The JSON a secret store holds for {@code role} on this server, in the AWS rotation layout. */
    public static String secretJson(String role, String password) {
        return "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":"
                + server().port() + ",\"username\":\"" + role + "\",\"password\":\"" + password
                + "\",\"dbname\":\"postgres\"}";
    }

    /** Whether {@code role} logs in with {@code password} over verify-full TLS (any failure is a no). */
    public static boolean logsIn(String role, String password) {
        Properties p = new Properties();
        p.setProperty("user", role);
        p.setProperty("password", password);
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", rootCert().toString());
        try (Connection c = DriverManager.getConnection(server().jdbcUrl("postgres"), p)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The PEM file that verifies the server's certificate (its own self-signed one). */
    public static synchronized Path rootCert() {
        server();
        return rootCert;
    }

    private static Path copy(String resource, Path target) throws IOException {
        try (InputStream in = TlsPostgres.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " not found");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
