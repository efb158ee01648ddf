package dev.dbre.port;

import java.util.Optional;
import java.util.Set;

/**
 * Port: a versioned secret store with staging labels. Implementations: AWS Secrets Manager, Azure
 * Key Vault, Google Secret Manager, and the local versioned file store. Secret values are the
 * JSON AWS uses for RDS secrets ({@code engine, host, port, username, password, dbname} and, for
 * alternating users, {@code masterarn}); implementations never log them.
 *
 * <p>Calls throw {@link SecretStoreException} (retryable or not).
 */
public interface SecretStore {
    /** Rotation flag and version→labels map of {@code secretId}. */
    SecretMetadata describe(String secretId);

    /** The value of the version carrying {@code stage}, or empty if none. */
    Optional<String> valueByStage(String secretId, String stage);

    /** The value of {@code versionId}, optionally required to carry {@code stage}; empty if none. */
    Optional<String> valueByVersion(String secretId, String versionId, String stage);

    /** Stores {@code value} as version {@code versionId} with {@code stages}. Idempotent per version id. */
    void putValue(String secretId, String versionId, String value, Set<String> stages);

    /**
     * Moves {@code stage} to {@code toVersion}, removing it from {@code fromVersion} (for CURRENT,
     * the old version becomes PREVIOUS, as Secrets Manager does). With {@code toVersion} null, only
     * removes {@code stage} from {@code fromVersion} (UpdateSecretVersionStage with only
     * RemoveFromVersionId): the rotation uses it to take PENDING off the new current version.
     */
    void moveStage(String secretId, String stage, String toVersion, String fromVersion);

    /**
     * Starts a rotation that we drive (no rotation service of the store's own): makes {@code
     * versionId} a version staged PENDING with no value yet, as Secrets Manager's RotateSecret does
     * before it calls createSecret. Stores that cannot hold a version without a value return false;
     * the caller then stores the PENDING value at once. Idempotent.
     *
     * @return true if the store now has the value-less PENDING version (or already had it)
     */
    default boolean beginVersion(String secretId, String versionId) {
        return false;
    }

    /** A new random password from the store's own generator, or empty where it has none. */
    Optional<String> generatePassword(PasswordPolicy policy);
}
