package dev.dbre.aws.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.SecretMetadata;
import dev.dbre.rotation.RotationException;
import dev.dbre.testing.CapturedLogs;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sample rotation events in events/aws, sent through the handler in Secrets Manager's order,
 * against the Secrets Manager fake (real SDK over HTTP) and a PostgreSQL with TLS and password
 * checks.
 */
class SecretsManagerRotationHandlerTest {
    private static final Path EVENTS = Path.of("../../events/aws");
    private static final List<String> STEPS = List.of("createSecret", "setSecret", "testSecret", "finishSecret");
    private static final String NAME = "prod/app-db";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeSecretsManager fake;
    private String role;
    private SecretsManagerRotationHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeSecretsManager();
        role = TlsPostgres.newRole("first-password-0001");
        fake.create(NAME, secret("first-password-0001"), true);
        handler = new SecretsManagerRotationHandler(new SecretsManagerStore(fake.client()), env());
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private Env env() {
        return new Env(Map.of(
                "DBRE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString(),
                "AWS_REGION", "us-east-1",
                "PASSWORD_LENGTH", "24"));
    }

    private String secret(String password) {
        return TlsPostgres.secretJson(role, password);
    }

    private static Map<String, String> event(String step) throws Exception {
        return JSON.readValue(
                EVENTS.resolve("secretsmanager-rotation-" + step + ".json").toFile(), new TypeReference<>() {});
    }

    private boolean logsIn(String password) {
        return TlsPostgres.logsIn(role, password);
    }

    private String passwordOf(String version) throws Exception {
        return JSON.readTree(fake.secret(NAME).values.get(version))
                .get("password")
                .asText();
    }

    @Test
    void theFourSampleEvents_rotateThePassword() throws Exception {
        String token = event("createSecret").get("ClientRequestToken");
        String v1 = fake.secret(NAME).stages.keySet().iterator().next();
        fake.beginRotation(NAME, token);

        List<String> logLines;
        try (CapturedLogs logs = new CapturedLogs()) {
            for (String step : STEPS) {
                handler.handleRequest(event(step), null);
            }
            logLines = logs.lines();
        }

        FakeSecretsManager.Secret s = fake.secret(NAME);
        assertThat(s.stages.get(token)).contains(SecretMetadata.CURRENT);
        assertThat(s.stages.get(v1)).containsExactly(SecretMetadata.PREVIOUS);
        String newPassword = passwordOf(token);
        assertThat(newPassword).hasSize(24).isNotEqualTo("first-password-0001");
        assertThat(logsIn(newPassword)).isTrue();
        assertThat(logsIn("first-password-0001")).isFalse();
        assertThat(fake.calls).contains("GetRandomPassword");
        assertThat(logLines).as("log lines written during the rotation").isNotEmpty();
        assertThat(logLines).noneMatch(l -> l.contains(newPassword) || l.contains("first-password-0001"));
    }

    @Test
    void withTheProductsDatabase_eachStepIsRecordedInRotationRuns() throws Exception {
        TestDatabase product = PostgresExtension.newDatabase();
        Env vars = env().with("DBRE_DB_HOST", "127.0.0.1")
                .with("DBRE_DB_PORT", Integer.toString(product.server().port()))
                .with("DBRE_DB_NAME", product.name())
                .with("DBRE_DB_USER", "postgres")
                .with("DBRE_DB_AUTH", "none")
                .with("DBRE_DB_SSLMODE", "disable");
        SecretsManagerRotationHandler recording =
                new SecretsManagerRotationHandler(new SecretsManagerStore(fake.client()), vars);
        String token = event("createSecret").get("ClientRequestToken");
        fake.beginRotation(NAME, token);

        for (String step : STEPS) {
            recording.handleRequest(event(step), null);
        }

        String secretId = event("createSecret").get("SecretId");
        assertThat(product.queryLong("select count(*) from rotation_runs where secret_id = '" + secretId
                        + "' and token = '" + token + "' and outcome = 'COMPLETED' and cloud = 'aws'"))
                .isEqualTo(4);
        String password = passwordOf(token);
        assertThat(product.queryLong("select count(*) from rotation_runs r where strpos(row_to_json(r)::text, '"
                        + password.replace("'", "''") + "') > 0"))
                .isZero();
    }

    @Test
    void theSampleEventsReplayed_changeNothing() throws Exception {
        String token = event("createSecret").get("ClientRequestToken");
        fake.beginRotation(NAME, token);
        for (String step : STEPS) {
            handler.handleRequest(event(step), null);
        }
        String password = passwordOf(token);

        for (String step : STEPS) {
            handler.handleRequest(event(step), null);
        }

        assertThat(passwordOf(token)).isEqualTo(password);
        assertThat(fake.secret(NAME).stages.get(token)).contains(SecretMetadata.CURRENT);
        assertThat(logsIn(password)).isTrue();
    }

    @Test
    void eventWithoutRotationStarted_isRefusedAndChangesNothing() throws Exception {
        // No RotateSecret before: the token is not a version of the secret.
        assertThatThrownBy(() -> handler.handleRequest(event("createSecret"), null))
                .isInstanceOf(RotationException.class)
                .hasMessageContaining("TOKEN_NOT_A_VERSION");
        assertThat(logsIn("first-password-0001")).isTrue();
    }

    @Test
    void unknownStep_isABadRequest() throws Exception {
        Map<String, String> bad = new java.util.HashMap<>(event("createSecret"));
        bad.put("Step", "rotateEverything");

        assertThatThrownBy(() -> handler.handleRequest(bad, null))
                .isInstanceOf(RotationException.class)
                .hasMessageContaining("rotateEverything");
    }

    @Test
    void withoutRootCert_theHandlerFailsAtStartNamingTheVariable() {
        assertThatThrownBy(() -> new SecretsManagerRotationHandler(
                        new SecretsManagerStore(fake.client()), new Env(Map.of("AWS_REGION", "us-east-1"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SSLROOTCERT"));
    }
}
