package dev.dbre.azure.rotation;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link SecretStore} over Azure Key Vault secrets. Key Vault keeps versions but has no staging
 * labels, so they are kept in each version's tags (docs/rotation-stores.md has the full mapping):
 *
 * <ul>
 *   <li>{@value #STAGE_TAG}: the version's labels, comma-separated ({@code AWSCURRENT}, {@code
 *       AWSPENDING}, {@code AWSPREVIOUS}); a label is on one version at a time. If no version carries
 *       AWSCURRENT (a secret created outside dbre), the newest enabled version written outside dbre
 *       (no {@value #VERSION_TAG} tag) is CURRENT — what a reader that asks Key Vault for "the
 *       latest" gets until the first rotation.
 *   <li>{@value #VERSION_TAG}: the rotation's version id (the client request token) of a version
 *       made by {@link #putValue}; versions without it are known by Key Vault's own version id.
 *       {@code putValue} looks it up first, which makes a retried step idempotent. Key Vault has no
 *       conditional write, so two concurrent deliveries of one token can both write a version: each
 *       then lists the versions carrying the token and converges on the earliest (created time,
 *       then Key Vault's version id), disabling the later ones and moving their tag to {@value
 *       #DUPLICATE_TAG}. Until that is done the listing already ignores them.
 *   <li>Rotation is on when the CURRENT version has an expiry (only then does Key Vault send {@code
 *       SecretNearExpiry}) and its {@value #ROTATION_TAG} tag is not {@code disabled}.
 *   <li>Each new version expires {@code expiry} after it is written, so the next near-expiry event
 *       starts the next rotation.
 *   <li>Key Vault has no password generator: {@link #generatePassword} is empty (the core makes one).
 * </ul>
 *
 * A label move is two or three tag updates, not one atomic call; if a run stops between them two
 * versions may carry the same label for a while, and {@link #describe} then gives it to the newest
 * of them (the one the move was going to), so the state reads as moved; repeating the move tidies
 * the tags.
 *
 * <p>Failures become {@link SecretStoreException}: 408, 429 and 5xx answers and network faults are
 * retryable, others (403 access denied, 400) are not. Messages hold the operation, the secret name
 * and the HTTP status, never a value.
 */
public final class KeyVaultSecretStore implements SecretStore {
    public static final String STAGE_TAG = "dbre-stage";
    public static final String VERSION_TAG = "dbre-version";
    public static final String ROTATION_TAG = "dbre-rotation";
    /** On a version disabled because another delivery of its token wrote first: that token. */
    public static final String DUPLICATE_TAG = "dbre-duplicate-of";

    /** Which of two versions carrying one token is the version: the earlier written. */
    private static final Comparator<SecretProperties> EARLIEST = Comparator.comparing(
                    SecretProperties::getCreatedOn, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(SecretProperties::getVersion, Comparator.nullsLast(Comparator.naturalOrder()));

    private final SecretClient client;
    private final Duration expiry;
    private final Clock clock;

    /** A version as listed, with the labels read from its tags. */
    private record Version(SecretProperties properties, String id, Set<String> stages) {}

    /**
     * @param client built once per function instance (see {@link KeyVaultClients})
     * @param expiry how long a version written by {@link #putValue} is valid
     * @param clock gives "now" for that expiry
     */
    public KeyVaultSecretStore(SecretClient client, Duration expiry, Clock clock) {
        this.client = client;
        this.expiry = expiry;
        this.clock = clock;
    }

    /** @throws SecretStoreException if the secret does not exist (not retryable) or the call fails */
    @Override
    public SecretMetadata describe(String secretId) {
        List<Version> versions = versions(secretId);
        if (versions.isEmpty()) {
            throw new SecretStoreException("Key Vault has no secret '" + secretId + "'", false, null);
        }
        Map<String, Set<String>> stages = new HashMap<>();
        versions.forEach(v -> stages.put(v.id(), v.stages()));
        Version current = versionWith(versions, SecretMetadata.CURRENT);
        boolean rotation = current != null
                && current.properties().getExpiresOn() != null
                && !"disabled".equalsIgnoreCase(tags(current.properties()).get(ROTATION_TAG));
        return new SecretMetadata(secretId, rotation, stages);
    }

    /** @throws SecretStoreException if the call fails for another reason than a missing secret */
    @Override
    public Optional<String> valueByStage(String secretId, String stage) {
        Version v = versionWith(versions(secretId), stage);
        return v == null ? Optional.empty() : value(secretId, v);
    }

    /** @throws SecretStoreException if the call fails for another reason than a missing secret */
    @Override
    public Optional<String> valueByVersion(String secretId, String versionId, String stage) {
        Version v = find(versions(secretId), versionId);
        if (v == null || (stage != null && !v.stages().contains(stage))) {
            return Optional.empty();
        }
        return value(secretId, v);
    }

    /** @throws SecretStoreException if the call fails */
    @Override
    public void putValue(String secretId, String versionId, String value, Set<String> stages) {
        List<Version> versions = versions(secretId);
        if (find(versions, versionId) != null) {
            return; // written before: a retried step
        }
        Map<String, String> tags = new HashMap<>();
        tags.put(VERSION_TAG, versionId);
        tags.put(STAGE_TAG, String.join(",", stages));
        KeyVaultSecret secret = new KeyVaultSecret(secretId, value);
        secret.setProperties(new SecretProperties()
                .setTags(tags)
                .setContentType("application/json")
                .setExpiresOn(OffsetDateTime.ofInstant(clock.instant().plus(expiry), ZoneOffset.UTC)));
        call("set", secretId, () -> client.setSecret(secret));
        disableLaterCopies(secretId, versionId);
        // A label lives on one version: take the new one's labels off the others (as Secrets Manager does).
        for (Version other : versions) {
            for (String stage : stages) {
                removeStage(secretId, other, stage);
            }
        }
    }

    /**
     * A concurrent delivery of the same token may have written its own version between our lookup
     * and our write (Key Vault has no conditional write): keep the earliest version carrying the
     * token, disable the others and move their token to {@value #DUPLICATE_TAG}. Every delivery
     * does this after writing, so they all converge on the same version, whichever finishes first.
     */
    private void disableLaterCopies(String secretId, String versionId) {
        List<SecretProperties> copies = new ArrayList<>();
        call("list versions of", secretId, () -> {
            client.listPropertiesOfSecretVersions(secretId).forEach(p -> {
                if (versionId.equals(tags(p).get(VERSION_TAG))) {
                    copies.add(p);
                }
            });
            return null;
        });
        copies.sort(EARLIEST);
        for (SecretProperties later : copies.subList(Math.min(1, copies.size()), copies.size())) {
            Map<String, String> tags = new HashMap<>(tags(later));
            tags.remove(VERSION_TAG);
            tags.remove(STAGE_TAG);
            tags.put(DUPLICATE_TAG, versionId);
            later.setTags(tags);
            later.setEnabled(false);
            call("disable a duplicate version of", secretId, () -> client.updateSecretProperties(later));
        }
    }

    /**
     * With {@code toVersion} null, only removes {@code stage} from {@code fromVersion}.
     *
     * @throws SecretStoreException if {@code toVersion} does not exist or a call fails
     */
    @Override
    public void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        List<Version> versions = versions(secretId);
        if (toVersion == null) {
            // Only take the label off fromVersion (UpdateSecretVersionStage with RemoveFromVersionId).
            Version from = find(versions, fromVersion);
            if (from != null) {
                removeStage(secretId, from, stage);
            }
            return;
        }
        Version to = find(versions, toVersion);
        if (to == null) {
            throw new SecretStoreException(
                    "Key Vault secret '" + secretId + "' has no version " + toVersion, false, null);
        }
        Version from = fromVersion == null || fromVersion.equals(toVersion) ? null : find(versions, fromVersion);
        // The new holder first: were the run to stop here, describe() already gives it the label.
        addStage(secretId, to, stage);
        for (Version other : versions) {
            if (other != to) {
                removeStage(secretId, other, stage);
            }
        }
        if (stage.equals(SecretMetadata.CURRENT) && from != null) {
            addStage(secretId, from, SecretMetadata.PREVIOUS);
            for (Version other : versions) {
                if (other != from) {
                    removeStage(secretId, other, SecretMetadata.PREVIOUS);
                }
            }
        }
    }

    /** Key Vault has no password generator. */
    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.empty();
    }

    private List<Version> versions(String secretId) {
        List<SecretProperties> listed = new ArrayList<>();
        try {
            call("list versions of", secretId, () -> {
                client.listPropertiesOfSecretVersions(secretId).forEach(listed::add);
                return null;
            });
        } catch (SecretStoreException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return List.of();
            }
            throw e;
        }
        // Two versions with one token (concurrent putValue): the earliest is the version; putValue
        // is disabling the others.
        listed.sort(EARLIEST);
        Set<String> tokens = new LinkedHashSet<>();
        List<Version> versions = new ArrayList<>();
        for (SecretProperties p : listed) {
            Map<String, String> tags = tags(p);
            String token = tags.get(VERSION_TAG);
            if (token != null && !tokens.add(token)) {
                continue;
            }
            String id = tags.getOrDefault(VERSION_TAG, p.getVersion());
            Set<String> stages = new LinkedHashSet<>();
            String tagged = tags.get(STAGE_TAG);
            if (tagged != null && !tagged.isBlank()) {
                Arrays.stream(tagged.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .forEach(stages::add);
            }
            versions.add(new Version(p, id, stages));
        }
        // Newest first: when a label is on two versions (a move cut short) the newest keeps it.
        versions.sort(Comparator.comparing(
                        (Version v) -> v.properties().getCreatedOn(), Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed());
        Set<String> seen = new LinkedHashSet<>();
        List<Version> result = new ArrayList<>();
        for (Version v : versions) {
            Set<String> own = new LinkedHashSet<>(v.stages());
            own.removeAll(seen);
            seen.addAll(own);
            result.add(new Version(v.properties(), v.id(), own));
        }
        if (!seen.contains(SecretMetadata.CURRENT)) {
            for (int i = 0; i < result.size(); i++) {
                Version v = result.get(i);
                // Only a version written outside dbre: one written by putValue carries its labels
                // explicitly, and a pending one must never become current by being the newest.
                if (Boolean.TRUE.equals(v.properties().isEnabled())
                        && !tags(v.properties()).containsKey(VERSION_TAG)) {
                    Set<String> withCurrent = new LinkedHashSet<>(v.stages());
                    withCurrent.add(SecretMetadata.CURRENT);
                    result.set(i, new Version(v.properties(), v.id(), withCurrent));
                    break;
                }
            }
        }
        return result;
    }

    private static Version versionWith(List<Version> versions, String stage) {
        return versions.stream()
                .filter(v -> v.stages().contains(stage))
                .findFirst()
                .orElse(null);
    }

    private static Version find(List<Version> versions, String versionId) {
        return versions.stream()
                .filter(v -> v.id().equals(versionId))
                .findFirst()
                .orElse(null);
    }

    private Optional<String> value(String secretId, Version v) {
        try {
            return Optional.ofNullable(call(
                            "get",
                            secretId,
                            () -> client.getSecret(secretId, v.properties().getVersion()))
                    .getValue());
        } catch (SecretStoreException e) {
            if (e.getCause() instanceof ResourceNotFoundException
                    || (e.getCause() instanceof HttpResponseException h
                            && h.getResponse().getStatusCode() == 403
                            && !Boolean.TRUE.equals(v.properties().isEnabled()))) {
                return Optional.empty(); // gone, or disabled: Key Vault refuses to read a disabled version
            }
            throw e;
        }
    }

    private void addStage(String secretId, Version v, String stage) {
        Set<String> tagged = taggedStages(v);
        if (tagged.add(stage)) {
            writeStages(secretId, v, tagged);
        }
    }

    private void removeStage(String secretId, Version v, String stage) {
        Set<String> tagged = taggedStages(v);
        if (tagged.remove(stage)) {
            writeStages(secretId, v, tagged);
        }
    }

    /** The labels in the version's tag (not the implicit CURRENT of an untagged secret). */
    private static Set<String> taggedStages(Version v) {
        Set<String> stages = new LinkedHashSet<>();
        String tagged = tags(v.properties()).get(STAGE_TAG);
        if (tagged != null) {
            Arrays.stream(tagged.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(stages::add);
        }
        return stages;
    }

    private void writeStages(String secretId, Version v, Set<String> stages) {
        Map<String, String> tags = new HashMap<>(tags(v.properties()));
        tags.put(STAGE_TAG, String.join(",", stages));
        v.properties().setTags(tags);
        call("update tags of", secretId, () -> client.updateSecretProperties(v.properties()));
    }

    private static Map<String, String> tags(SecretProperties p) {
        return p.getTags() == null ? Map.of() : p.getTags();
    }

    private static <T> T call(String operation, String secretId, Supplier<T> call) {
        try {
            return call.get();
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            boolean retryable = status == 408 || status == 429 || status >= 500;
            throw new SecretStoreException(
                    "Key Vault " + operation + " secret '" + secretId + "' failed: HTTP " + status, retryable, e);
        } catch (RuntimeException e) {
            // No HTTP answer at all (connection refused or reset, timeout: an I/O error somewhere in
            // the cause chain) is worth retrying later; anything else is a bug or a bad argument.
            throw new SecretStoreException(
                    "Key Vault " + operation + " secret '" + secretId + "' failed: "
                            + e.getClass().getSimpleName(),
                    hasIoCause(e),
                    e);
        }
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "KeyVaultSecretStore[" + client.getVaultUrl() + "]";
    }
}
