package dev.dbre.aws.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.SecretStoreContract;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The SecretStore contract through the real SDK v2 against a Secrets Manager fake on 127.0.0.1. */
class SecretsManagerStoreTest extends SecretStoreContract {
    private FakeSecretsManager fake;
    private SecretsManagerClient client;
    private SecretsManagerStore store;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeSecretsManager();
        client = fake.client();
        store = new SecretsManagerStore(client);
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Override
    protected SecretStore store() {
        return store;
    }

    @Override
    protected String createSecret(String secretId, String value, boolean rotationEnabled) {
        return fake.create(secretId, value, rotationEnabled);
    }

    @Override
    protected boolean hasGenerator() {
        return true;
    }

    @Test
    void describe_byArn_findsTheSecret() {
        String v1 = fake.create("by-arn", FIRST, true);

        SecretMetadata meta = store.describe(fake.secret("by-arn").arn);

        assertThat(meta.versionWith(SecretMetadata.CURRENT)).isEqualTo(v1);
    }

    @Test
    void throttling_isRetryableAndNamesTheOperation() {
        fake.create("app-db", FIRST, true);
        fake.failNext("ThrottlingException");

        assertThatThrownBy(() -> store.describe("app-db"))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("DescribeSecret")
                .hasMessageContaining("app-db")
                .hasMessageContaining("ThrottlingException");
    }

    @Test
    void serverError_isRetryable() {
        fake.create("app-db", FIRST, true);
        fake.failNext("InternalServiceError");

        assertThatThrownBy(() -> store.valueByStage("app-db", SecretMetadata.CURRENT))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void putValue_sameTokenOtherValue_failsNotRetryableAndTheMessageHoldsNoValue() {
        fake.create("app-db", FIRST, true);
        store.putValue("app-db", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));

        assertThatThrownBy(() -> store.putValue("app-db", TOKEN_2, THIRD, Set.of(SecretMetadata.PENDING)))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("ResourceExistsException")
                .hasMessageNotContaining("third-pw")
                .hasMessageNotContaining("second-pw");
    }

    @Test
    void generatePassword_sendsThePolicy() {
        var policy = new dev.dbre.port.PasswordPolicy(40, "abcdefghijklmnopqrstuvwxyz", false, false, true, true, true);

        String password = store.generatePassword(policy).orElseThrow();

        assertThat(password).hasSize(40).matches("[A-Z]+");
        assertThat(fake.calls).contains("GetRandomPassword");
    }
}
