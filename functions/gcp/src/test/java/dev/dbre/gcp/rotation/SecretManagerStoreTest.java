package dev.dbre.gcp.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretVersion;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.SecretStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SecretStore contract through the real Secret Manager library (HTTP/JSON transport) against the
 * REST fake on http://127.0.0.1.
 */
class SecretManagerStoreTest extends SecretStoreContract {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private FakeSecretManager fake;
    private SecretManagerServiceClient client;
    private SecretManagerStore store;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeSecretManager();
        client = fake.client();
        store = new SecretManagerStore(client, Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
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
    protected String secretId(String name) {
        return FakeSecretManager.PROJECT + "/secrets/" + name;
    }

    /** As an operator creates it: one version, no aliases; a rotation schedule when rotation is wanted. */
    @Override
    protected String createSecret(String secretId, String value, boolean rotationEnabled) {
        return fake.create(secretId, value, rotationEnabled, NOW.minus(Duration.ofDays(60)));
    }

    @Test
    void labels_areVersionAliasesAndTokensAreAnnotations() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);
        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));

        store.moveStage(id, SecretMetadata.CURRENT, TOKEN_2, "1");

        assertThat(fake.secret(id).getVersionAliasesMap())
                .containsEntry(SecretMetadata.CURRENT, 2L)
                .containsEntry(SecretMetadata.PREVIOUS, 1L);
        assertThat(fake.secret(id).getAnnotationsMap()).containsEntry("dbre-version-2", TOKEN_2);
    }

    @Test
    void finish_disablesUnlabelledVersionsOlderThanTheGracePeriod() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true); // version 1, 60 days old
        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        store.moveStage(id, SecretMetadata.CURRENT, TOKEN_2, "1");
        store.putValue(id, TOKEN_3, THIRD, Set.of(SecretMetadata.PENDING));

        store.moveStage(id, SecretMetadata.CURRENT, TOKEN_3, TOKEN_2);

        assertThat(fake.versions(id).get(0).state).isEqualTo(SecretVersion.State.DISABLED);
        assertThat(fake.versions(id).get(1).state).isEqualTo(SecretVersion.State.ENABLED); // PREVIOUS
        assertThat(fake.versions(id).get(2).state).isEqualTo(SecretVersion.State.ENABLED); // CURRENT
    }

    @Test
    void finish_keepsAnUnlabelledVersionYoungerThanTheGracePeriod() {
        String id = secretId("app-db");
        fake.create(id, FIRST, true, NOW.minus(Duration.ofHours(2)));
        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        store.moveStage(id, SecretMetadata.CURRENT, TOKEN_2, "1");
        store.putValue(id, TOKEN_3, THIRD, Set.of(SecretMetadata.PENDING));

        store.moveStage(id, SecretMetadata.CURRENT, TOKEN_3, TOKEN_2);

        assertThat(fake.versions(id)).allMatch(v -> v.state == SecretVersion.State.ENABLED);
    }

    @Test
    void firstPut_pinsTheImplicitCurrentBeforeAddingAVersion() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);

        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));

        assertThat(fake.secret(id).getVersionAliasesMap()).containsEntry(SecretMetadata.CURRENT, 1L);
        assertThat(fake.requests).filteredOn(r -> r.startsWith("PATCH")).hasSize(2);
    }

    @Test
    void twoConcurrentPutsOfOneToken_leaveOneAnnotatedVersion_andDisableTheOther() throws Exception {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);
        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING)); // CURRENT is pinned now
        store.moveStage(id, SecretMetadata.CURRENT, TOKEN_2, "1");
        // Two deliveries of the next rotation, each on its own function instance: both read the
        // secret before either adds a version.
        try (SecretManagerServiceClient clientA = fake.client();
                SecretManagerServiceClient clientB = fake.client()) {
            SecretManagerStore a =
                    new SecretManagerStore(clientA, Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
            SecretManagerStore b =
                    new SecretManagerStore(clientB, Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
            fake.holdAddVersions(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> first = pool.submit(() -> a.putValue(id, TOKEN_3, THIRD, Set.of(SecretMetadata.PENDING)));
                Future<?> second = pool.submit(() -> b.putValue(id, TOKEN_3, FIRST, Set.of(SecretMetadata.PENDING)));
                first.get(30, TimeUnit.SECONDS); // neither fails: the loser converges
                second.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
        }

        assertThat(fake.versions(id)).as("both added: the race happened").hasSize(4);
        long annotated = fake.secret(id).getAnnotationsMap().entrySet().stream()
                .filter(e -> e.getValue().equals(TOKEN_3))
                .count();
        assertThat(annotated).isEqualTo(1);
        long kept = fake.secret(id).getVersionAliasesOrThrow(SecretMetadata.PENDING);
        assertThat(fake.secret(id).getAnnotationsMap()).containsEntry("dbre-version-" + kept, TOKEN_3);
        FakeSecretManager.Stored copy = fake.versions(id).get(kept == 3 ? 3 : 2);
        assertThat(copy.state).isEqualTo(SecretVersion.State.DISABLED);
        assertThat(fake.versions(id).get((int) kept - 1).state).isEqualTo(SecretVersion.State.ENABLED);
        String value = fake.versions(id).get((int) kept - 1).value;
        assertThat(store.valueByVersion(id, TOKEN_3, SecretMetadata.PENDING)).contains(value);
        assertThat(store.valueByStage(id, SecretMetadata.CURRENT)).contains(SECOND);
        // A third delivery finds it and adds nothing.
        store.putValue(id, TOKEN_3, SECOND, Set.of(SecretMetadata.PENDING));
        assertThat(fake.versions(id)).hasSize(4);
    }

    @Test
    void labelMovedBetweenReadAndWrite_isReadAgain_notAFailure() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);
        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        // Another writer changes the secret after this put has read it: its etag goes stale.
        fake.changeSecretOnNextAddVersion(id);

        store.putValue(id, TOKEN_3, THIRD, Set.of(SecretMetadata.PENDING));

        assertThat(fake.secret(id).getAnnotationsMap()).containsEntry("dbre-version-3", TOKEN_3);
        assertThat(fake.secret(id).getVersionAliasesMap()).containsEntry(SecretMetadata.PENDING, 3L);
        assertThat(fake.versions(id)).hasSize(3);
    }

    @Test
    void disabledVersion_readsAsEmpty() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);
        store.putValue(id, TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        fake.versions(id).get(1).state = SecretVersion.State.DISABLED;

        // Secret Manager answers FAILED_PRECONDITION on HTTP 400, which gax's HTTP/JSON transport
        // reports as INVALID_ARGUMENT.
        assertThat(store.valueByVersion(id, TOKEN_2, null)).isEmpty();
    }

    @Test
    void unavailable_isRetryable() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);
        for (int i = 0; i < 10; i++) {
            fake.failNext(503);
        }

        assertThatThrownBy(() -> store.describe(id))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("app-db");
    }
}
