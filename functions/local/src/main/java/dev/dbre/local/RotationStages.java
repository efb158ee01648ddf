package dev.dbre.local;

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

/** run-local's rotation stage: the application user's password through the four steps. */
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
     * its secret in a local store under the base folder, rotates it, then logs in with the new
     * password and shows the old one refused.
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
        ctx.detail("secret " + SECRET_ID + " in " + dir + " (ssl false: the embedded server has no TLS)");
        String token = UUID.randomUUID().toString();
        // Each step recorded in rotation_runs, as a deployed rotation function given the product's
        // database does: the SLO stage's rotation SLO reads it.
        new RotationService(store, RotationSettings.DEFAULTS)
                .withRunStore(new RotationRunStore(ctx.db, ctx.clock, "local", "run-local"))
                .rotateNow(SECRET_ID, token, RotationStrategy.SINGLE, r -> ctx.detail(r.toString()));
        String newPassword = store.valueByStage(SECRET_ID, SecretMetadata.CURRENT)
                .map(v -> dev.dbre.rotation.DbSecret.parse(v, "CURRENT").password())
                .orElseThrow();
        String url = ctx.postgres.jdbcUrl(ctx.database);
        try (Connection c = DriverManager.getConnection(url, APP_USER, newPassword)) {
            ctx.detail("logged in as " + APP_USER + " with the new password");
        }
        try (Connection c = DriverManager.getConnection(url, APP_USER, oldPassword)) {
            throw new IllegalStateException("the old password still logs in after the rotation");
        } catch (SQLException e) {
            if (!"28P01".equals(e.getSQLState())) {
                throw e;
            }
            ctx.detail("the old password is refused (SQLSTATE 28P01)");
        }
        return "CURRENT is version " + token + "; new password works, old one refused";
    }
}
