package dev.dbre.rotation;

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
     * the old version becomes PREVIOUS, as Secrets Manager does).
     */
    void moveStage(String secretId, String stage, String toVersion, String fromVersion);

    /** A new random password from the store's own generator, or empty where it has none. */
    Optional<String> generatePassword(PasswordPolicy policy);
}
