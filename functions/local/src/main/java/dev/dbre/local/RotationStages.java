package dev.dbre.local;

import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.SqlText;
import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.rotation.PasswordGenerator;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.rotation.ScramVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * run-local's rotation stage: the application user's password through the four steps, with an
 * application's connection pool that logs in through the secret and reconnects after it.
 */
final class RotationStages {
    static final String APP_USER = "dbre_app";
    static final String SECRET_ID = "dbre/app";

    private RotationStages() {}

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Makes the server ask non-superusers for a password (SCRAM), creates the application user and
     * its secret in a local store under the base folder, opens an application pool that logs in
     * with the secret, rotates it, logs in with the new password and shows the old one refused,
     * then ends the pool's session (as a failover or a restart would) and shows the pool reconnect
     * with the rotated secret.
     */
    static String rotate(RunContext ctx) throws Exception {
        Files.writeString(ctx.postgres.dataDir().resolve("pg_hba.conf"), """
                # run-local: the superuser is trusted (the stages' own connections); others need a password
                local all postgres trust
                host  all postgres 127.0.0.1/32 trust
                host  all all      127.0.0.1/32 scram-sha-256
                """);
        String oldPassword = new PasswordGenerator().generate(PasswordPolicy.DEFAULTS);
        try (Connection c = ctx.db.open();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
            s.execute("CREATE ROLE " + SqlText.identifier(APP_USER) + " LOGIN PASSWORD "
                    + SqlText.literal(ScramVerifier.of(oldPassword, new SecureRandom())));
        }
        Path dir = ctx.options.baseDir.toAbsolutePath().resolve("secrets");
        deleteTree(dir); // a previous run's store: its secret was for a server that is gone
        LocalSecretStore store = new LocalSecretStore(dir, ctx.clock);
        store.create(
                SECRET_ID,
                "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":" + ctx.postgres.port()
                        + ",\"username\":\"" + APP_USER + "\",\"password\":\"" + oldPassword + "\",\"dbname\":\""
                        + ctx.database + "\",\"ssl\":false}",
                true);
        ctx.verbose("secret " + SECRET_ID + " in " + dir + " (ssl false: the embedded server has no TLS)");
        try (PooledConnectionFactory app = applicationPool(ctx, store)) {
            int before = sessionOf(app);
            ctx.verbose("application pool: logged in as " + APP_USER + " through the secret (session " + before + ")");
            String token = UUID.randomUUID().toString();
            // Each step recorded in rotation_runs, as a deployed rotation function given the product's
            // database does: the SLO stage's rotation SLO reads it.
            new RotationService(store, RotationSettings.DEFAULTS)
                    .withRunStore(new RotationRunStore(ctx.db, ctx.clock, "local", "run-local"))
                    .rotateNow(SECRET_ID, token, RotationStrategy.SINGLE, r -> ctx.verbose(r.toString()));
            String summary = checkPasswords(ctx, store, oldPassword, token);
            String reconnected = reconnect(ctx, app, before);
            ctx.figure("rotation", "password rotated in four steps; new one logs in, old one refused; " + reconnected);
            return summary + "; " + reconnected;
        }
    }

    /**
     * The application's pool, as a function builds it with {@code DBRE_DB_AUTH=secret}: HikariCP
     * over {@link SecretConnectionFactory}, which caches the secret's password and, when a login is
     * refused, reads the secret again. Plain TCP: the embedded server has no TLS (loopback only).
     */
    private static PooledConnectionFactory applicationPool(RunContext ctx, LocalSecretStore store) {
        DbSettings settings = new DbSettings(
                "127.0.0.1", ctx.postgres.port(), ctx.database, APP_USER, DbAuth.SECRET, SECRET_ID, "disable", null);
        java.util.Properties driver = new java.util.Properties();
        driver.setProperty("connectTimeout", "5");
        return new PooledConnectionFactory(
                new SecretConnectionFactory(settings, store, ctx.postgres.jdbcUrl(ctx.database), driver), 2);
    }

    /** The backend pid of a connection from the pool, checking it is the application user's. */
    private static int sessionOf(PooledConnectionFactory app) throws SQLException {
        try (Connection c = app.open();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select pg_backend_pid(), current_user")) {
            rs.next();
            if (!APP_USER.equals(rs.getString(2))) {
                throw new IllegalStateException("the application pool logged in as " + rs.getString(2));
            }
            return rs.getInt(1);
        }
    }

    /**
     * Ends the pool's session, then takes a connection again: the pool drops the dead one and opens
     * a new one, whose login with the cached (old) password is refused, so the factory reads the
     * rotated secret and logs in with it. A dead connection handed out before the pool noticed is
     * dropped and asked for again, as an application's retry would.
     */
    private static String reconnect(RunContext ctx, PooledConnectionFactory app, int session) throws Exception {
        try (Connection c = ctx.db.open();
                Statement s = c.createStatement()) {
            s.execute("select pg_terminate_backend(" + session + ")");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                int now = sessionOf(app);
                if (now == session) {
                    throw new IllegalStateException("the application pool still uses the ended session " + session);
                }
                ctx.verbose("application pool: session " + session + " ended; reconnected as " + APP_USER
                        + " with the rotated secret (session " + now + ")");
                return "the application pool reconnected with the rotated secret";
            } catch (SQLException e) {
                if (attempt >= 3) {
                    throw e;
                }
                ctx.verbose("application pool: its connection was gone (SQLSTATE " + e.getSQLState() + "), retrying");
            }
        }
    }

    private static String checkPasswords(RunContext ctx, LocalSecretStore store, String oldPassword, String token)
            throws SQLException {
        String newPassword = store.valueByStage(SECRET_ID, SecretMetadata.CURRENT)
                .map(v -> dev.dbre.rotation.DbSecret.parse(v, "CURRENT").password())
                .orElseThrow();
        String url = ctx.postgres.jdbcUrl(ctx.database);
        try (Connection c = DriverManager.getConnection(url, APP_USER, newPassword)) {
            ctx.verbose("logged in as " + APP_USER + " with the new password");
        }
        try (Connection c = DriverManager.getConnection(url, APP_USER, oldPassword)) {
            throw new IllegalStateException("the old password still logs in after the rotation");
        } catch (SQLException e) {
            if (!"28P01".equals(e.getSQLState())) {
                throw e;
            }
            ctx.verbose("the old password is refused (SQLSTATE 28P01)");
        }
        return "CURRENT is version " + token + "; new password works, old one refused";
    }
}
