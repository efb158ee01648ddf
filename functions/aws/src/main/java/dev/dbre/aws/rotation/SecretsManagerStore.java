package dev.dbre.aws.rotation;

import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.InternalServiceErrorException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * {@link SecretStore} over AWS Secrets Manager. Versions are Secrets Manager versions (their ids are
 * the rotation's client request tokens) and the staging labels are Secrets Manager's own, so this
 * adapter maps one call to one API call:
 *
 * <ul>
 *   <li>{@code describe} → {@code DescribeSecret} ({@code RotationEnabled}, {@code VersionIdsToStages})
 *   <li>{@code valueByStage}/{@code valueByVersion} → {@code GetSecretValue}; {@code
 *       ResourceNotFoundException} (no such secret, version or label) reads as empty
 *   <li>{@code putValue} → {@code PutSecretValue} with {@code ClientRequestToken} = the version id,
 *       which Secrets Manager makes idempotent (same token and value: no new version)
 *   <li>{@code moveStage} → {@code UpdateSecretVersionStage} ({@code MoveToVersionId}, {@code
 *       RemoveFromVersionId}); moving AWSCURRENT makes Secrets Manager label the old version
 *       AWSPREVIOUS
 *   <li>{@code generatePassword} → {@code GetRandomPassword}
 * </ul>
 *
 * Failures become {@link SecretStoreException}: throttling, 5xx and network faults are retryable,
 * everything else (access denied, invalid request, missing secret on describe) is not. Messages carry
 * the operation, the secret id and AWS's error code, never a value.
 */
public final class SecretsManagerStore implements SecretStore {
    private final SecretsManagerClient client;

    /** @param client built once per function instance (see {@link SecretsManagerClients}) */
    public SecretsManagerStore(SecretsManagerClient client) {
        this.client = client;
    }

    /** @throws SecretStoreException if the secret does not exist (not retryable) or the call fails */
    @Override
    public SecretMetadata describe(String secretId) {
        DescribeSecretResponse r =
                call("DescribeSecret", secretId, () -> client.describeSecret(b -> b.secretId(secretId)));
        Map<String, Set<String>> stages = new HashMap<>();
        r.versionIdsToStages().forEach((version, labels) -> stages.put(version, new HashSet<>(labels)));
        return new SecretMetadata(secretId, Boolean.TRUE.equals(r.rotationEnabled()), stages);
    }

    /** @throws SecretStoreException if the call fails for another reason than a missing secret or label */
    @Override
    public Optional<String> valueByStage(String secretId, String stage) {
        return get(
                secretId,
                GetSecretValueRequest.builder()
                        .secretId(secretId)
                        .versionStage(stage)
                        .build());
    }

    /** @throws SecretStoreException if the call fails for another reason than a missing secret or version */
    @Override
    public Optional<String> valueByVersion(String secretId, String versionId, String stage) {
        GetSecretValueRequest.Builder b =
                GetSecretValueRequest.builder().secretId(secretId).versionId(versionId);
        if (stage != null) {
            b.versionStage(stage);
        }
        return get(secretId, b.build());
    }

    private Optional<String> get(String secretId, GetSecretValueRequest request) {
        try {
            return Optional.ofNullable(call("GetSecretValue", secretId, () -> client.getSecretValue(request))
                    .secretString());
        } catch (SecretStoreException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * @throws SecretStoreException if the call fails; not retryable when {@code versionId} already
     *     holds a different value ({@code ResourceExistsException})
     */
    @Override
    public void putValue(String secretId, String versionId, String value, Set<String> stages) {
        call(
                "PutSecretValue",
                secretId,
                () -> client.putSecretValue(b -> b.secretId(secretId)
                        .clientRequestToken(versionId)
                        .secretString(value)
                        .versionStages(List.copyOf(stages))));
    }

    /** @throws SecretStoreException if the call fails */
    @Override
    public void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        call(
                "UpdateSecretVersionStage",
                secretId,
                () -> client.updateSecretVersionStage(b -> b.secretId(secretId)
                        .versionStage(stage)
                        .moveToVersionId(toVersion)
                        .removeFromVersionId(
                                fromVersion == null || fromVersion.equals(toVersion) ? null : fromVersion)));
    }

    /** @throws SecretStoreException if the call fails */
    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.of(call(
                        "GetRandomPassword",
                        "-",
                        () -> client.getRandomPassword(b -> b.passwordLength((long) policy.length())
                                .excludeCharacters(policy.excludeCharacters())
                                .excludeUppercase(policy.excludeUppercase())
                                .excludeLowercase(policy.excludeLowercase())
                                .excludeNumbers(policy.excludeNumbers())
                                .excludePunctuation(policy.excludePunctuation())
                                .includeSpace(false)
                                .requireEachIncludedType(policy.requireEachIncludedType())))
                .randomPassword());
    }

    private static <T> T call(String operation, String secretId, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new SecretStoreException(
                    "Secrets Manager " + operation + " on '" + secretId + "' failed: " + describe(e), retryable(e), e);
        }
    }

    /** Throttling, a 5xx answer, or no answer at all: the same call may work later. */
    static boolean retryable(SdkException e) {
        if (e instanceof AwsServiceException s) {
            return s.isThrottlingException() || s.statusCode() >= 500 || s instanceof InternalServiceErrorException;
        }
        return e instanceof SdkClientException || e.retryable();
    }

    static String describe(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return "SecretsManagerStore";
    }
}
