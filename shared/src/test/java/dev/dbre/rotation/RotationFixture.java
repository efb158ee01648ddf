package dev.dbre.rotation;

import static dev.dbre.db.SqlText.identifier;
import static dev.dbre.db.SqlText.literal;
import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PENDING;
import static dev.dbre.port.SecretMetadata.PREVIOUS;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * One application user on {@link PasswordPostgres}, set up as an operator would (by the
 * administrator, with a password sent as a SCRAM verifier), its secret in a local store, and a
 * rotation service over a faulty store and connector.
 */
final class RotationFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    final String database;
    final String user;
    final String ownerRole;
    final String secretId;
    final Path dir;
    final RotationStrategy strategy;
    /** The store every reopened service shares, as invocations share the cloud's store. */
    private final MemorySecretStore secrets = new MemorySecretStore();

    FaultyStore store;
    final FaultyConnector connector = new FaultyConnector();
    RotationService service;

    RotationFixture(Path dir, RotationStrategy strategy, String user, String ownerRole) {
        this.dir = dir;
        this.strategy = strategy;
        this.user = user;
        this.ownerRole = ownerRole;
        this.database = PasswordPostgres.newDatabase();
        this.secretId = "app/" + database;
        String password = new PasswordGenerator().generate(PasswordPolicy.DEFAULTS);
        PasswordPostgres.admin(
                database,
                "CREATE ROLE " + identifier(user) + " LOGIN PASSWORD " + literal(ScramVerifier.of(password, RANDOM)));
        if (ownerRole != null) {
            PasswordPostgres.admin(
                    database,
                    "CREATE ROLE " + identifier(ownerRole) + " NOLOGIN",
                    "GRANT " + identifier(ownerRole) + " TO " + identifier(user),
                    "ALTER ROLE " + identifier(user) + " SET role = " + identifier(ownerRole));
            PasswordPostgres.superuser(database, "GRANT USAGE, CREATE ON SCHEMA public TO " + identifier(ownerRole));
        }
        reopen();
        String adminId = "admin/" + database;
        if (!store.delegate.exists(adminId)) {
            store.create(adminId, secretJson("dbre_admin", PasswordPostgres.ADMIN_PASSWORD, null));
        }
        store.create(secretId, secretJson(user, password, adminId));
    }

    /** A new service (and store client) over the same secrets, as a new invocation would have. */
    void reopen() {
        FaultyStore old = store;
        store = new FaultyStore(secrets);
        if (old != null) {
            store.passwords.addAll(old.passwords);
        }
        service = new RotationService(
                store, connector, RotationSettings.DEFAULTS.withStrategy(strategy), new PasswordGenerator(), RANDOM);
    }

    String secretJson(String username, String password, String masterArn) {
        ObjectNode n = JSON.createObjectNode()
                .put("engine", "postgres")
                .put("host", "127.0.0.1")
                .put("port", PasswordPostgres.server().port())
                .put("username", username)
                .put("password", password)
                .put("dbname", database)
                .put("ssl", false);
        if (masterArn != null) {
            n.put("masterarn", masterArn);
        }
        if (ownerRole != null) {
            n.put("owner_role", ownerRole);
        }
        return n.toString();
    }

    DbSecret byStage(String stage) {
        return store.delegate
                .valueByStage(secretId, stage)
                .map(v -> DbSecret.parse(v, stage))
                .orElse(null);
    }

    SecretMetadata meta() {
        return store.delegate.describe(secretId);
    }

    boolean logsIn(DbSecret s) {
        return s != null && PasswordPostgres.logsIn(database, s.username(), s.password());
    }

    boolean logsIn(String username, String password) {
        return PasswordPostgres.logsIn(database, username, password);
    }

    /**
     * The promise at every moment: alternating, CURRENT logs in; single user, CURRENT does, except
     * between setSecret and finishSecret, when PENDING does (one role has one password: the
     * window AWS's single-user template has too; docs/rotation.md).
     */
    String loginPromiseBroken() {
        DbSecret current = byStage(CURRENT);
        if (logsIn(current)) {
            return null;
        }
        if (strategy == RotationStrategy.SINGLE && logsIn(byStage(PENDING))) {
            return null;
        }
        return "CURRENT (" + current + ") cannot log in; stages " + meta().versionStages();
    }

    Set<String> passwords() {
        Set<String> all = new java.util.HashSet<>(store.passwords);
        all.add(PasswordPostgres.ADMIN_PASSWORD);
        return all;
    }

    /** Runs statements logged in as {@code s}. */
    void runAs(DbSecret s, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        PasswordPostgres.server().jdbcUrl(database), s.username(), s.password());
                Statement st = c.createStatement()) {
            for (String q : sql) {
                st.execute(q);
            }
        }
    }

    static String previousStage() {
        return PREVIOUS;
    }
}
