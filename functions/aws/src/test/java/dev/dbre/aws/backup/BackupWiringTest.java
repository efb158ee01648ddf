package dev.dbre.aws.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backup functions' configuration, read once when the wiring is built (cold start). */
class BackupWiringTest {
    private static final RdsClients NO_RDS = new RdsClients(region -> {
        throw new AssertionError("building the wiring must not build an RDS client");
    });

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("AWS_REGION", "us-east-1");
        m.put("DBRE_DB_HOST", "db.internal");
        m.put("DBRE_DB_USER", "dbre");
        m.put("DBRE_DB_AUTH", "none");
        m.put("DBRE_DB_SSLMODE", "disable");
        m.put("DBRE_RESTORE_DB_AUTH", "none");
        m.put("DBRE_RESTORE_DB_SSLMODE", "disable");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static BackupWiring wiring(Map<String, String> env) {
        return BackupWiring.fromEnv(new Env(env), NO_RDS, FakeRds.CREDENTIALS, (d, m) -> {}, FakeRds.CLOCK);
    }

    @Test
    void restoreFunctions_needNoPolicy_butTheSnapshotFunctionDoes() {
        BackupWiring w = wiring(env());

        assertThat(w.restoreEndpoint()).isNotNull();
        assertThatThrownBy(w::snapshotSchedule)
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"));
    }

    @Test
    void withoutADrillRequest_theDrillFunctionDrillsThePolicysFleet_andNeedsThePolicy() {
        assertThatThrownBy(() -> wiring(env()).scheduledDrills()).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY");
            assertThat(e.getMessage()).contains("DBRE_DRILL_REQUEST_FILE");
        });
        assertThatThrownBy(() ->
                        wiring(env("DBRE_BACKUP_POLICY", "no/such/policy.yaml")).scheduledDrills())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no/such/policy.yaml");

        assertThat(wiring(env("DBRE_BACKUP_POLICY", "../../docs/examples/backup-policy-gold.yaml"))
                        .scheduledDrills())
                .isNotNull();
    }

    @Test
    void theDrillRequest_isRequiredByTheDrillOnly() {
        BackupWiring w = wiring(env());

        assertThatThrownBy(w::drillSchedule)
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DRILL_REQUEST_FILE"));
        assertThatThrownBy(() -> wiring(env("DBRE_DRILL_REQUEST_FILE", "no/such/drill.json"))
                        .drillSchedule())
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DRILL_REQUEST_FILE"))
                .hasMessageContaining("no/such/drill.json");
    }

    @Test
    void aPolicyInAStoreAwsDoesNotRead_failsAtColdStartNamingTheVariable() {
        assertThatThrownBy(() -> wiring(env("DBRE_BACKUP_POLICY", "gs://bucket/gold.yaml")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"));
    }

    @Test
    void everyVariable_isReadAtColdStart_notAtTheFirstInvocationThatNeedsIt() {
        assertThatThrownBy(() -> wiring(env("DBRE_SNAPSHOT_MAX_ATTEMPTS", "0")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_SNAPSHOT_MAX_ATTEMPTS"));
        assertThatThrownBy(() -> wiring(env("DBRE_RESTORE_TIMEOUT", "six hours")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_RESTORE_TIMEOUT"));
    }

    @Test
    void withASecretLogin_aBadSecretsEndpoint_failsAtColdStart() {
        Map<String, String> env = env(
                "DBRE_RESTORE_DB_AUTH", "secret",
                "DBRE_RESTORE_DB_SECRET_ID", "prod/app-db",
                "DBRE_RESTORE_DB_SSLMODE", "require",
                "DBRE_SECRETS_ENDPOINT", "ftp://not-an-endpoint");

        assertThatThrownBy(() -> wiring(env))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_SECRETS_ENDPOINT"));
    }

    @Test
    void withoutASecretLogin_theSecretsEndpointIsNotRead_andNoSecretStoreIsBuilt() {
        BackupWiring w = wiring(env("DBRE_SECRETS_ENDPOINT", "ftp://not-an-endpoint"));

        w.restoreEndpoint();
        assertThat(w.secretStoreBuilt()).isFalse();
    }
}
