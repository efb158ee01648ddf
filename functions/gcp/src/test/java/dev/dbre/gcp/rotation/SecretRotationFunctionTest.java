package dev.dbre.gcp.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.port.SecretMetadata;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * events/gcp/secretmanager-rotate-cloudevent.json through the function, against the Secret Manager
 * fake (real library, HTTP/JSON) and a PostgreSQL with TLS and password checks.
 */
class SecretRotationFunctionTest {
    private static final String FILE = "secretmanager-rotate-cloudevent.json";
    private static final String SECRET = "projects/dbre-prod/secrets/app-db";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private FakeSecretManager fake;
    private SecretManagerServiceClient client;
    private String role;
    private SecretRotationFunction function;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeSecretManager();
        client = fake.client();
        role = TlsPostgres.newRole("first-password-0001");
        fake.create(SECRET, secret("first-password-0001"), true, NOW.minus(Duration.ofDays(30)));
        SecretManagerStore store =
                new SecretManagerStore(client, Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
        function = new SecretRotationFunction(RotationComponents.from(RotationConfig.fromEnv(env()), store));
    }

    @AfterEach
    void tearDown() {
        client.close();
        fake.close();
    }

    private static Env env() {
        return new Env(Map.of("DBRE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString()));
    }

    private String secret(String password) {
        return TlsPostgres.secretJson(role, password);
    }

    private boolean logsIn(String password) {
        return TlsPostgres.logsIn(role, password);
    }

    private String currentPassword() throws Exception {
        long n = fake.secret(SECRET).getVersionAliasesOrThrow(SecretMetadata.CURRENT);
        String value = fake.versions(SECRET).stream()
                .filter(v -> v.number == n)
                .findFirst()
                .orElseThrow()
                .value;
        return GcpEvents.JSON.readTree(value).get("password").asText();
    }

    @Test
    void secretRotateNotification_rotatesThePassword() throws Exception {
        function.accept(GcpEvents.cloudEvent(GcpEvents.json(FILE)));

        assertThat(fake.secret(SECRET).getVersionAliasesMap())
                .containsEntry(SecretMetadata.CURRENT, 2L)
                .containsEntry(SecretMetadata.PREVIOUS, 1L)
                .doesNotContainKey(SecretMetadata.PENDING);
        String password = currentPassword();
        assertThat(logsIn(password)).isTrue();
        assertThat(logsIn("first-password-0001")).isFalse();
    }

    @Test
    void withTheProductsDatabase_eachStepIsRecordedInRotationRuns() throws Exception {
        TestDatabase product = PostgresExtension.newDatabase();
        Env env = env().with("DBRE_DB_HOST", "127.0.0.1")
                .with("DBRE_DB_PORT", Integer.toString(product.server().port()))
                .with("DBRE_DB_NAME", product.name())
                .with("DBRE_DB_USER", "postgres")
                .with("DBRE_DB_AUTH", "none")
                .with("DBRE_DB_SSLMODE", "disable");
        SecretManagerStore store =
                new SecretManagerStore(client, Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
        SecretRotationFunction recording =
                new SecretRotationFunction(RotationComponents.from(RotationConfig.fromEnv(env), store));

        recording.accept(GcpEvents.cloudEvent(GcpEvents.json(FILE)));

        String password = currentPassword();
        assertThat(logsIn(password)).isTrue();
        assertThat(product.queryLong(
                        "select count(*) from rotation_runs where outcome = 'COMPLETED' and cloud = 'gcp'"))
                .isEqualTo(4);
        assertThat(product.queryLong("select count(*) from rotation_runs r where strpos(row_to_json(r)::text, '"
                        + password.replace("'", "''") + "') > 0"))
                .isZero();
    }

    @Test
    void redelivery_resumesTheSameRotation() throws Exception {
        function.accept(GcpEvents.cloudEvent(GcpEvents.json(FILE)));
        String password = currentPassword();

        function.accept(GcpEvents.cloudEvent(GcpEvents.json(FILE)));

        assertThat(fake.versions(SECRET)).hasSize(2);
        assertThat(currentPassword()).isEqualTo(password);
    }

    @Test
    void versionAddNotification_isIgnored() throws Exception {
        JsonNode ce = GcpEvents.json(FILE);
        ((ObjectNode) ce.path("data").path("message").path("attributes")).put("eventType", "SECRET_VERSION_ADD");

        function.accept(GcpEvents.cloudEvent(ce));

        assertThat(fake.versions(SECRET)).hasSize(1);
    }

    @Test
    void notAPubSubMessage_isRefused() throws Exception {
        JsonNode ce = GcpEvents.json(FILE);
        ((ObjectNode) ce).set("data", GcpEvents.JSON.createObjectNode().put("hello", "world"));

        assertThatThrownBy(() -> function.accept(GcpEvents.cloudEvent(ce)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MessagePublishedData");
    }

    @Test
    void withoutRootCert_failsAtStartNamingIt() {
        assertThatThrownBy(() -> RotationConfig.fromEnv(new Env(Map.of())))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SSLROOTCERT"));
    }
}
