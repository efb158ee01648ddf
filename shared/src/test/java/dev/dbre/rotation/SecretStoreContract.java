package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PENDING;
import static dev.dbre.port.SecretMetadata.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link SecretStore} keeps: the local file store and each cloud adapter
 * (over its real SDK against a local HTTP fake) extend this class and supply {@link #store()} and
 * {@link #createSecret}. What it pins down is what the rotation protocol relies on: staging labels
 * move as Secrets Manager moves them, a put is idempotent per version id, a missing secret or
 * version reads as empty, and the rotation flag is reported.
 */
public abstract class SecretStoreContract {
    protected static final String FIRST = "{\"username\":\"app\",\"password\":\"first-pw\"}";
    protected static final String SECOND = "{\"username\":\"app\",\"password\":\"second-pw\"}";
    protected static final String THIRD = "{\"username\":\"app\",\"password\":\"third-pw\"}";

    /** Version ids the rotation uses: Secrets Manager client request tokens (UUIDs). */
    protected static final String TOKEN_2 = "2b5c1f3e-8f0a-4d55-9b7e-2a1c0e6d9f02";

    protected static final String TOKEN_3 = "3c6d2a4f-9a1b-4e66-8c8f-3b2d1f7eaa03";

    /** The store under test, fresh for each test (or at least holding no secret made by another). */
    protected abstract SecretStore store();

    /**
     * Creates {@code secretId} outside the port (as an operator would), with one version holding
     * {@code value} staged CURRENT, and rotation on or off.
     *
     * @return the version id the store reports for that first version
     */
    protected abstract String createSecret(String secretId, String value, boolean rotationEnabled);

    /** A secret id valid for the store; adapters with naming rules may override. */
    protected String secretId(String name) {
        return name;
    }

    @Test
    void describe_reportsRotationFlagAndTheCurrentVersion() {
        String id = secretId("app-db");
        String v1 = createSecret(id, FIRST, true);

        SecretMetadata meta = store().describe(id);

        assertThat(meta.rotationEnabled()).isTrue();
        assertThat(meta.versionWith(CURRENT)).isEqualTo(v1);
        assertThat(meta.versionWith(PENDING)).isNull();
        assertThat(meta.versionStages().get(v1)).contains(CURRENT);
    }

    @Test
    void describe_rotationDisabled_reportsFalse() {
        String id = secretId("no-rotation");
        createSecret(id, FIRST, false);

        assertThat(store().describe(id).rotationEnabled()).isFalse();
    }

    @Test
    void describe_missingSecret_throwsNotRetryable() {
        assertThatThrownBy(() -> store().describe(secretId("does-not-exist")))
                .isInstanceOfSatisfying(
                        SecretStoreException.class,
                        e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void valueByStage_current_returnsTheValue() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);

        assertThat(store().valueByStage(id, CURRENT)).contains(FIRST);
    }

    @Test
    void valueByStage_stageNobodyCarries_isEmpty() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);

        assertThat(store().valueByStage(id, PENDING)).isEmpty();
        assertThat(store().valueByStage(id, PREVIOUS)).isEmpty();
    }

    @Test
    void valueByStage_missingSecret_isEmpty() {
        assertThat(store().valueByStage(secretId("does-not-exist"), CURRENT)).isEmpty();
    }

    @Test
    void valueByVersion_unknownVersion_isEmpty() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);

        assertThat(store().valueByVersion(id, TOKEN_2, PENDING)).isEmpty();
        assertThat(store().valueByVersion(id, TOKEN_2, null)).isEmpty();
    }

    @Test
    void putValue_pending_isDescribedAndReadableByVersionAndStage() {
        String id = secretId("app-db");
        String v1 = createSecret(id, FIRST, true);

        store().putValue(id, TOKEN_2, SECOND, Set.of(PENDING));

        SecretMetadata meta = store().describe(id);
        assertThat(meta.versionWith(PENDING)).isEqualTo(TOKEN_2);
        assertThat(meta.versionWith(CURRENT)).isEqualTo(v1);
        assertThat(store().valueByVersion(id, TOKEN_2, PENDING)).contains(SECOND);
        assertThat(store().valueByVersion(id, TOKEN_2, null)).contains(SECOND);
        assertThat(store().valueByStage(id, PENDING)).contains(SECOND);
        assertThat(store().valueByStage(id, CURRENT)).contains(FIRST);
    }

    @Test
    void valueByVersion_versionWithoutTheAskedStage_isEmpty() {
        String id = secretId("app-db");
        String v1 = createSecret(id, FIRST, true);

        assertThat(store().valueByVersion(id, v1, PENDING)).isEmpty();
        assertThat(store().valueByVersion(id, v1, CURRENT)).contains(FIRST);
    }

    @Test
    void putValue_sameVersionTwice_keepsOneVersionAndTheFirstValue() {
        String id = secretId("app-db");
        createSecret(id, FIRST, true);

        store().putValue(id, TOKEN_2, SECOND, Set.of(PENDING));
        store().putValue(id, TOKEN_2, SECOND, Set.of(PENDING));

        SecretMetadata meta = store().describe(id);
        assertThat(meta.versionStages()).hasSize(2);
        assertThat(store().valueByVersion(id, TOKEN_2, PENDING)).contains(SECOND);
    }

    @Test
    void moveStage_current_makesTheOldCurrentPrevious() {
        String id = secretId("app-db");
        String v1 = createSecret(id, FIRST, true);
        store().putValue(id, TOKEN_2, SECOND, Set.of(PENDING));

        store().moveStage(id, CURRENT, TOKEN_2, v1);

        SecretMetadata meta = store().describe(id);
        assertThat(meta.versionWith(CURRENT)).isEqualTo(TOKEN_2);
        assertThat(meta.versionWith(PREVIOUS)).isEqualTo(v1);
        assertThat(meta.versionStages().get(v1)).doesNotContain(CURRENT);
        assertThat(store().valueByStage(id, CURRENT)).contains(SECOND);
        assertThat(store().valueByStage(id, PREVIOUS)).contains(FIRST);
    }

    @Test
    void moveStage_twoRotations_previousFollowsAndTheOldestLosesEveryLabel() {
        String id = secretId("app-db");
        String v1 = rotatedOnce(id);
        store().putValue(id, TOKEN_3, THIRD, Set.of(PENDING));

        store().moveStage(id, CURRENT, TOKEN_3, TOKEN_2);

        SecretMetadata meta = store().describe(id);
        assertThat(meta.versionWith(CURRENT)).isEqualTo(TOKEN_3);
        assertThat(meta.versionWith(PREVIOUS)).isEqualTo(TOKEN_2);
        assertThat(stagesOf(meta, v1)).doesNotContain(CURRENT, PREVIOUS);
        assertThat(store().valueByStage(id, CURRENT)).contains(THIRD);
        assertThat(store().valueByStage(id, PREVIOUS)).contains(SECOND);
    }

    @Test
    void moveStage_repeated_changesNothingMore() {
        String id = secretId("app-db");
        String v1 = rotatedOnce(id);

        store().moveStage(id, CURRENT, TOKEN_2, v1);

        SecretMetadata meta = store().describe(id);
        assertThat(meta.versionWith(CURRENT)).isEqualTo(TOKEN_2);
        assertThat(meta.versionWith(PREVIOUS)).isEqualTo(v1);
    }

    @Test
    void moveStage_withoutTarget_onlyRemovesTheLabel() {
        String id = secretId("app-db");
        String v1 = rotatedOnce(id);

        store().moveStage(id, PENDING, null, TOKEN_2);

        SecretMetadata meta = store().describe(id);
        assertThat(meta.versionWith(PENDING)).isNull();
        assertThat(meta.versionWith(CURRENT)).isEqualTo(TOKEN_2);
        assertThat(meta.versionWith(PREVIOUS)).isEqualTo(v1);
        assertThat(store().valueByStage(id, CURRENT)).contains(SECOND);
    }

    @Test
    void generatePassword_whenTheStoreHasAGenerator_honoursLengthAndExclusions() {
        PasswordPolicy policy =
                new PasswordPolicy(24, PasswordPolicy.ALWAYS_EXCLUDED, false, false, false, false, true);

        Optional<String> password = store().generatePassword(policy);

        password.ifPresent(p -> {
            assertThat(p).hasSize(24);
            for (char c : PasswordPolicy.ALWAYS_EXCLUDED.toCharArray()) {
                assertThat(p).doesNotContain(String.valueOf(c));
            }
        });
        assertThat(password.isPresent()).isEqualTo(hasGenerator());
    }

    /** Whether the store has its own password generator (only Secrets Manager does). */
    protected boolean hasGenerator() {
        return false;
    }

    /**
     * Given for the later rotation steps: {@code id} created with {@link #FIRST}, then rotated once
     * ({@link #TOKEN_2} with {@link #SECOND} made CURRENT).
     *
     * @return the first version, now PREVIOUS
     */
    private String rotatedOnce(String id) {
        String v1 = createSecret(id, FIRST, true);
        store().putValue(id, TOKEN_2, SECOND, Set.of(PENDING));
        store().moveStage(id, CURRENT, TOKEN_2, v1);
        return v1;
    }

    private static Set<String> stagesOf(SecretMetadata meta, String version) {
        return meta.versionStages().getOrDefault(version, Set.of());
    }
}
