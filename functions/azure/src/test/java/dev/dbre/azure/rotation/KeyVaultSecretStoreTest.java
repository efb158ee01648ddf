package dev.dbre.azure.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.security.keyvault.secrets.SecretClient;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.SecretStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SecretStore contract through the real Key Vault SDK (challenge-based auth, Netty over TLS)
 * against the Key Vault fake on https://127.0.0.1.
 */
class KeyVaultSecretStoreTest extends SecretStoreContract {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private FakeKeyVault vault;
    private KeyVaultSecretStore store;

    @BeforeEach
    void start() throws Exception {
        vault = new FakeKeyVault();
        SecretClient client = vault.client();
        store = new KeyVaultSecretStore(client, Duration.ofDays(90), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    @Override
    protected SecretStore store() {
        return store;
    }

    /** As an operator creates it: one version, no dbre tags, an expiry when rotation is wanted. */
    @Override
    protected String createSecret(String secretId, String value, boolean rotationEnabled) {
        return vault.create(
                secretId, value, rotationEnabled ? NOW.plus(Duration.ofDays(30)).getEpochSecond() : null);
    }

    @Test
    void challengeAuth_asksForTheVaultScopeAndSendsTheToken() {
        vault.create("app-db", FIRST, null);

        store.valueByStage("app-db", SecretMetadata.CURRENT);

        assertThat(vault.scopesAsked).contains("https://vault.azure.net/.default");
        assertThat(vault.requests).isNotEmpty();
    }

    @Test
    void putValue_setsTheExpiryFromTheClockAndTagsTheVersion() {
        vault.create("app-db", FIRST, null);

        store.putValue("app-db", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));

        FakeKeyVault.Version written = vault.versions("app-db").get(1);
        assertThat(written.exp).isEqualTo(NOW.plus(Duration.ofDays(90)).getEpochSecond());
        assertThat(written.tags)
                .containsEntry(KeyVaultSecretStore.VERSION_TAG, TOKEN_2)
                .containsEntry(KeyVaultSecretStore.STAGE_TAG, SecretMetadata.PENDING);
    }

    @Test
    void untaggedSecret_newestEnabledVersionIsCurrent() {
        vault.create("app-db", FIRST, null);
        String v2 = vault.create("app-db", SECOND, null);

        assertThat(store.describe("app-db").versionWith(SecretMetadata.CURRENT)).isEqualTo(v2);
        assertThat(store.valueByStage("app-db", SecretMetadata.CURRENT)).contains(SECOND);
    }

    @Test
    void disabledVersion_readsAsEmpty() {
        String v1 = vault.create("app-db", FIRST, null);
        vault.create("app-db", SECOND, null);
        vault.versions("app-db").get(0).enabled = false;

        assertThat(store.valueByVersion("app-db", v1, null)).isEmpty();
    }

    @Test
    void moveCutShort_theNewestHolderKeepsTheLabel() {
        String v1 = vault.create("app-db", FIRST, null);
        store.putValue("app-db", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        // As if a run stopped after tagging the new version CURRENT, before untagging the old one.
        vault.versions("app-db").get(0).tags.put(KeyVaultSecretStore.STAGE_TAG, SecretMetadata.CURRENT);
        vault.versions("app-db").get(1).tags.put(KeyVaultSecretStore.STAGE_TAG, "AWSPENDING,AWSCURRENT");

        assertThat(store.describe("app-db").versionWith(SecretMetadata.CURRENT)).isEqualTo(TOKEN_2);

        store.moveStage("app-db", SecretMetadata.CURRENT, TOKEN_2, v1);

        assertThat(vault.versions("app-db").get(0).tags.get(KeyVaultSecretStore.STAGE_TAG))
                .isEqualTo(SecretMetadata.PREVIOUS);
    }

    @Test
    void twoConcurrentPutsOfOneToken_convergeOnTheEarliestVersion_andDisableTheOther() throws Exception {
        vault.create("app-db", FIRST, NOW.plus(Duration.ofDays(30)).getEpochSecond());
        // Two deliveries of one rotation, each on its own function instance: both look the token
        // up before either writes.
        KeyVaultSecretStore a =
                new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), Clock.fixed(NOW, ZoneOffset.UTC));
        KeyVaultSecretStore b =
                new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), Clock.fixed(NOW, ZoneOffset.UTC));
        vault.holdWrites(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> a.putValue("app-db", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING)));
            Future<?> second = pool.submit(() -> b.putValue("app-db", TOKEN_2, THIRD, Set.of(SecretMetadata.PENDING)));
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        List<FakeKeyVault.Version> versions = vault.versions("app-db");
        assertThat(versions).as("both wrote: the race happened").hasSize(3);
        FakeKeyVault.Version kept =
                versions.get(1).created < versions.get(2).created ? versions.get(1) : versions.get(2);
        FakeKeyVault.Version extra = kept == versions.get(1) ? versions.get(2) : versions.get(1);
        assertThat(kept.enabled).isTrue();
        assertThat(kept.tags)
                .containsEntry(KeyVaultSecretStore.VERSION_TAG, TOKEN_2)
                .containsEntry(KeyVaultSecretStore.STAGE_TAG, SecretMetadata.PENDING);
        assertThat(extra.enabled).isFalse();
        assertThat(extra.tags)
                .containsEntry(KeyVaultSecretStore.DUPLICATE_TAG, TOKEN_2)
                .doesNotContainKeys(KeyVaultSecretStore.VERSION_TAG, KeyVaultSecretStore.STAGE_TAG);
        // Every reader sees the one version and its value.
        assertThat(store.describe("app-db").versionWith(SecretMetadata.PENDING)).isEqualTo(TOKEN_2);
        assertThat(store.valueByVersion("app-db", TOKEN_2, SecretMetadata.PENDING))
                .contains(kept.value);
        assertThat(store.valueByStage("app-db", SecretMetadata.CURRENT)).contains(FIRST);
        // A third delivery finds it and writes nothing.
        store.putValue("app-db", TOKEN_2, FIRST, Set.of(SecretMetadata.PENDING));
        assertThat(vault.versions("app-db")).hasSize(3);
    }

    @Test
    void listingWhileTheCopiesAreBeingDisabled_readsTheEarliest() {
        vault.create("app-db", FIRST, NOW.plus(Duration.ofDays(30)).getEpochSecond());
        store.putValue("app-db", TOKEN_2, SECOND, Set.of(SecretMetadata.PENDING));
        // As if a concurrent delivery had just written its copy and not yet disabled it.
        String copy = vault.create("app-db", THIRD, null);
        vault.versions("app-db").get(2).tags.put(KeyVaultSecretStore.VERSION_TAG, TOKEN_2);
        vault.versions("app-db").get(2).tags.put(KeyVaultSecretStore.STAGE_TAG, SecretMetadata.PENDING);

        assertThat(store.valueByVersion("app-db", TOKEN_2, SecretMetadata.PENDING))
                .contains(SECOND);
        assertThat(store.describe("app-db").versionStages())
                .doesNotContainKey(copy)
                .hasSize(2);
    }

    @Test
    void throttled_isRetryable() {
        vault.create("app-db", FIRST, null);
        for (int i = 0; i < 5; i++) {
            vault.failNext(429);
        }

        assertThatThrownBy(() -> store.describe("app-db"))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("429")
                .hasMessageContaining("app-db");
    }

    @Test
    void forbidden_isNotRetryable() {
        vault.create("app-db", FIRST, null);
        vault.failNext(403);

        assertThatThrownBy(() -> store.describe("app-db"))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isFalse());
    }
}
