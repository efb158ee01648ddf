package dev.dbre.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.config.Env;
import dev.dbre.db.SqlText;
import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.rotation.DbSecret;
import dev.dbre.rotation.PasswordGenerator;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.ScramVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The local stand-in for the secret store a rotation event names (a Secrets Manager ARN, a Key
 * Vault secret, a Secret Manager secret): a {@link LocalSecretStore} under {@code
 * <home>/invoke/secrets/<host>-<port>-<database>} (one per database the functions run against) whose
 * secret of the event's id holds the login of {@value #APP_USER} on the function's database. Both
 * are made on first use (the role with a generated password, the secret with it staged CURRENT and
 * rotation on); a role dropped since is made again with the secret's current password. The
 * rotation then runs the cloud function's core ({@link RotationService}) over that store, recording
 * each step in {@code rotation_runs}. No password is ever printed.
 */
final class InvokeSecrets {
    /** The user whose password the sample rotations rotate (single-user strategy). */
    static final String APP_USER = "dbre_invoke_app";

    private static final ObjectMapper JSON = new ObjectMapper();

    private InvokeSecrets() {}

    /** The store of the function's database. */
    static LocalSecretStore store(InvokeTarget t) {
        return new LocalSecretStore(storeDir(t.home(), t.jdbcUrl()), t.clock());
    }

    /** {@code <home>/invoke/secrets/<host>-<port>-<database>}: one store per database. */
    static Path storeDir(Path invokeHome, String jdbcUrl) {
        Properties p = org.postgresql.Driver.parseURL(jdbcUrl, new Properties());
        String name = (p.getProperty("PGHOST", "localhost") + "-" + p.getProperty("PGPORT", "5432") + "-"
                        + p.getProperty("PGDBNAME", InvokeCommand.DATABASE))
                .replaceAll("[^A-Za-z0-9_.-]", "_");
        return invokeHome.resolve("secrets").resolve(name);
    }

    /**
     * Makes sure {@code secretId} exists in {@code store} and its user logs in to the function's
     * database with the secret's current password, and says which stand-in is used.
     *
     * @param what the cloud's kind of secret, for the note (e.g. "Secrets Manager secret")
     */
    static void seed(InvokeTarget t, LocalSecretStore store, String secretId, String what) throws SQLException {
        Properties p = org.postgresql.Driver.parseURL(t.jdbcUrl(), new Properties());
        boolean created = false;
        if (!store.exists(secretId)) {
            ObjectNode v = JSON.createObjectNode();
            v.put("engine", "postgres");
            v.put("host", p.getProperty("PGHOST", "localhost"));
            v.put("port", Integer.parseInt(p.getProperty("PGPORT", "5432")));
            v.put("username", APP_USER);
            v.put("password", new PasswordGenerator().generate(PasswordPolicy.DEFAULTS));
            v.put("dbname", p.getProperty("PGDBNAME", InvokeCommand.DATABASE));
            v.put(
                    "ssl",
                    !InvokeCommand.sslMode(p.getProperty("sslmode"), p.getProperty("PGHOST", "localhost"))
                            .equals("disable"));
            store.create(secretId, v.toString(), true);
            created = true;
        }
        String current = DbSecret.parse(
                        store.valueByStage(secretId, SecretMetadata.CURRENT).orElseThrow(), "CURRENT")
                .password();
        String verifier = SqlText.literal(ScramVerifier.of(current, new SecureRandom()));
        try (Connection c = t.database().open();
                Statement s = c.createStatement()) {
            if (!roleExists(c)) {
                s.execute("CREATE ROLE " + SqlText.identifier(APP_USER) + " LOGIN PASSWORD " + verifier);
                s.execute("GRANT CONNECT ON DATABASE " + SqlText.identifier(c.getCatalog()) + " TO "
                        + SqlText.identifier(APP_USER));
            } else if (created) {
                s.execute("ALTER ROLE " + SqlText.identifier(APP_USER) + " PASSWORD " + verifier);
            }
        }
        t.note(what + " " + secretId + " -> local secret " + secretId + " in " + store.dir() + " (the login of "
                + APP_USER + " on " + p.getProperty("PGHOST", "localhost") + ":" + p.getProperty("PGPORT", "5432")
                + "/" + p.getProperty("PGDBNAME", InvokeCommand.DATABASE) + (created ? ", made now" : "") + ")");
    }

    /**
     * Makes a server this runtime runs ask {@value #APP_USER} for its password (SCRAM), whatever it
     * trusts otherwise: under trust a rotation's login with any password succeeds, and a rotation
     * would neither need nor prove the new one. Idempotent; reloads the configuration when it
     * changed it.
     */
    static void requirePassword(Path dataDir, ConnectionFactory superuser) throws IOException, SQLException {
        Path hba = dataDir.resolve("pg_hba.conf");
        String text = Files.readString(hba, StandardCharsets.UTF_8);
        if (text.contains(" " + APP_USER + " ")) {
            return;
        }
        Files.writeString(
                hba,
                "# dbre invoke: the rotated user logs in with its password (first match wins)\n"
                        + "local all " + APP_USER + " scram-sha-256\n"
                        + "host  all " + APP_USER + " 127.0.0.1/32 scram-sha-256\n"
                        + "host  all " + APP_USER + " ::1/128 scram-sha-256\n"
                        + text,
                StandardCharsets.UTF_8);
        try (Connection c = superuser.open();
                Statement s = c.createStatement()) {
            s.execute("select pg_reload_conf()");
        }
    }

    private static boolean roleExists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            ps.setString(1, APP_USER);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The rotation core as the cloud wirings build it, over the local store: the settings from the
     * function's environment (strategy, password policy), each step recorded in {@code
     * rotation_runs} under {@code cloud} and {@code function}.
     */
    static RotationService rotation(InvokeTarget t, LocalSecretStore store, String cloud, String function) {
        return new RotationService(store, RotationSettings.fromEnv(new Env(t.env())))
                .withMetrics(t.metrics())
                .withRunStore(new RotationRunStore(t.database(), t.clock(), cloud.toLowerCase(Locale.ROOT), function));
    }

    /** Whether {@code token} is already a version of the secret (a rotation begun with it). */
    static boolean isVersion(LocalSecretStore store, String secretId, String token) {
        return store.describe(secretId).versionStages().containsKey(token);
    }
}
