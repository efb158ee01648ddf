package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alternating users with an RDS-managed master secret (only username and password): the endpoint
 * comes from a {@link MasterEndpointResolver}, and the master is accepted only for CURRENT's host
 * or one of its replicas. Against the password-checking PostgreSQL.
 */
class ManagedMasterSecretTest {
    private static LogCapture logs;
    private static final List<String> PASSWORDS = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        PasswordPostgres.server();
        logs = new LogCapture();
    }

    @AfterAll
    static void noPasswordLogged() {
        logs.close();
        assertThat(logs.linesContainingAny(PASSWORDS)).isEmpty();
    }

    /** The fixture's administrator secret made RDS-managed: no host, port, dbname or ssl. */
    private static String managedAdmin(RotationFixture f) {
        String adminId = "admin/" + f.database;
        f.store.putValue(
                adminId,
                "v-managed",
                "{\"username\":\"" + PasswordPostgres.ADMIN + "\",\"password\":\"" + PasswordPostgres.ADMIN_PASSWORD
                        + "\"}",
                Set.of(CURRENT));
        return adminId;
    }

    private static RotationService service(RotationFixture f, MasterEndpointResolver resolver) {
        return new RotationService(
                f.store,
                f.connector,
                RotationSettings.DEFAULTS.withStrategy(RotationStrategy.ALTERNATING),
                new PasswordGenerator(),
                new SecureRandom(),
                resolver);
    }

    @Test
    void managedMaster_onCurrentsHost_createsTheClone() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.ALTERNATING, "app_managed", null);
        String adminId = managedAdmin(f);
        List<String> asked = new ArrayList<>();
        int port = PasswordPostgres.server().port();
        RotationService s = service(f, id -> {
            asked.add(id);
            return Optional.of(new MasterEndpoint("127.0.0.1", port, Set.of(), "instance db-1"));
        });

        s.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {});
        PASSWORDS.addAll(f.passwords());

        assertThat(asked).contains(adminId);
        assertThat(f.byStage(CURRENT).username()).isEqualTo("app_managed_clone");
        assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
    }

    @Test
    void managedMaster_currentOnAReadReplica_isAccepted_andTheAdministratorUsesThePrimary() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.ALTERNATING, "app_replica", null);
        managedAdmin(f);
        int port = PasswordPostgres.server().port();
        // CURRENT's host 127.0.0.1 is the "replica"; the primary is the same server by another name.
        List<String> adminHosts = new ArrayList<>();
        RotationService recording = new RotationService(
                f.store,
                secret -> {
                    if (secret.username().equals(PasswordPostgres.ADMIN)) {
                        adminHosts.add(secret.host());
                    }
                    return f.connector.open(secret);
                },
                RotationSettings.DEFAULTS.withStrategy(RotationStrategy.ALTERNATING),
                new PasswordGenerator(),
                new SecureRandom(),
                id -> Optional.of(new MasterEndpoint("localhost", port, Set.of("127.0.0.1"), "instance db-1")));

        recording.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {});
        PASSWORDS.addAll(f.passwords());

        assertThat(adminHosts).containsOnly("localhost");
        assertThat(f.byStage(CURRENT).username()).isEqualTo("app_replica_clone");
        assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
    }

    @Test
    void managedMaster_forAnotherServer_isRefused_andNoCloneIsCreated() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.ALTERNATING, "app_elsewhere", null);
        String adminId = managedAdmin(f);
        RotationService s = service(
                f,
                id -> Optional.of(new MasterEndpoint(
                        "other-db.example",
                        5432,
                        Set.of("other-db-ro.example"),
                        "cluster arn:aws:rds:x:1:cluster:c2")));

        assertThatThrownBy(() ->
                        s.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {}))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.ADMIN_SECRET_INVALID);
                    assertThat(e.getMessage())
                            .contains(adminId, "cluster arn:aws:rds:x:1:cluster:c2", "other-db.example", "127.0.0.1");
                });
        PASSWORDS.addAll(f.passwords());
        assertThat(f.byStage(CURRENT).username()).isEqualTo("app_elsewhere");
        assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
        assertThat(PasswordPostgres.logsIn(f.database, "app_elsewhere_clone", "x"))
                .isFalse();
    }

    @Test
    void masterWithoutHost_andNoResolver_isRefusedNamingTheSecret() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.ALTERNATING, "app_nohost", null);
        String adminId = managedAdmin(f);
        RotationService s = service(f, MasterEndpointResolver.NONE);

        assertThatThrownBy(() ->
                        s.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {}))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.ADMIN_SECRET_INVALID);
                    assertThat(e.getMessage()).contains(adminId, "no 'host'");
                });
        PASSWORDS.addAll(f.passwords());
    }
}
