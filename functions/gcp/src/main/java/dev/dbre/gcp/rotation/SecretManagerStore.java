package dev.dbre.gcp.rotation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * {@link SecretStore} over Google Secret Manager. Secret Manager numbers versions (1, 2, ...) and
 * has version aliases on the secret, which are exactly staging labels (docs/rotation-stores.md):
 *
 * <ul>
 *   <li>The labels are the aliases {@code AWSCURRENT}, {@code AWSPENDING}, {@code AWSPREVIOUS} in the
 *       secret's {@code versionAliases}; moving one is one {@code UpdateSecret} (with the secret's
 *       etag, so a concurrent change fails instead of being overwritten). A secret without an
 *       AWSCURRENT alias (created outside dbre) has as CURRENT its newest enabled version; the first
 *       {@link #putValue} pins that with the alias before it adds a version.
 *   <li>The rotation's version id (the token) of version {@code n} is the secret annotation {@code
 *       dbre-version-n}; versions without one are known by their number. {@link #putValue} looks
 *       the token up first, which makes a retried step idempotent. Adding a version has no
 *       condition, but the annotation is written with the secret's etag: of two concurrent
 *       deliveries of one token only one annotates its version; the other reads the secret again,
 *       finds the token on the winner's version and disables its own.
 *   <li>Rotation is on when the secret has a rotation schedule ({@code rotation.nextRotationTime}
 *       or {@code rotationPeriod}): that is what makes Secret Manager publish {@code SECRET_ROTATE}.
 *   <li>When CURRENT moves, every enabled version that no longer carries a label and was created
 *       more than {@code grace} ago is disabled (and its annotation dropped): the old password
 *       stays readable for the grace period, then only the labelled versions are.
 *   <li>No password generator: {@link #generatePassword} is empty (the core makes one).
 * </ul>
 *
 * Failures become {@link SecretStoreException}: UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED,
 * ABORTED, INTERNAL and an etag conflict (FAILED_PRECONDITION, HTTP 400, on {@code UpdateSecret})
 * are retryable; the rest are not. Messages hold the
 * operation, the secret name and the status code, never a value.
 */
public final class SecretManagerStore implements SecretStore {
    static final String TOKEN_ANNOTATION = "dbre-version-";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads of the secret after an etag conflict before putValue gives up (retryably). */
    private static final int PUT_ATTEMPTS = 5;

    private final SecretManagerServiceClient client;
    private final Duration grace;
    private final Clock clock;

    /** A version, its labels and the id the rotation knows it by. */
    private record Version(long number, String id, boolean enabled, Instant created, Set<String> stages) {}

    /** The secret and its versions, read together. */
    private record State(Secret secret, List<Version> versions) {
        Version byId(String id) {
            return versions.stream().filter(v -> v.id().equals(id)).findFirst().orElse(null);
        }

        Version withStage(String stage) {
            return versions.stream()
                    .filter(v -> v.stages().contains(stage))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * @param client built once per function instance (see {@link SecretManagerClients})
     * @param grace how long an unlabelled version stays enabled before a later rotation disables it
     * @param clock gives "now" for that grace period
     */
    public SecretManagerStore(SecretManagerServiceClient client, Duration grace, Clock clock) {
        this.client = client;
        this.grace = grace;
        this.clock = clock;
    }

    /**
     * @param secretId the secret's resource name, {@code projects/<project>/secrets/<secret>}
     * @throws SecretStoreException if the secret does not exist (not retryable) or a call fails
     */
    @Override
    public SecretMetadata describe(String secretId) {
        State state = state(secretId)
                .orElseThrow(
                        () -> new SecretStoreException("Secret Manager has no secret '" + secretId + "'", false, null));
        Map<String, Set<String>> stages = new HashMap<>();
        state.versions().forEach(v -> stages.put(v.id(), v.stages()));
        Secret s = state.secret();
        boolean rotation = s.hasRotation()
                && (s.getRotation().hasNextRotationTime() || s.getRotation().hasRotationPeriod());
        return new SecretMetadata(secretId, rotation, stages);
    }

    /** @throws SecretStoreException if a call fails for another reason than a missing secret or version */
    @Override
    public Optional<String> valueByStage(String secretId, String stage) {
        Optional<State> state = state(secretId);
        Version v = state.map(s -> s.withStage(stage)).orElse(null);
        return v == null ? Optional.empty() : access(secretId, v);
    }

    /** @throws SecretStoreException if a call fails for another reason than a missing secret or version */
    @Override
    public Optional<String> valueByVersion(String secretId, String versionId, String stage) {
        Optional<State> state = state(secretId);
        Version v = state.map(s -> s.byId(versionId)).orElse(null);
        if (v == null || (stage != null && !v.stages().contains(stage))) {
            return Optional.empty();
        }
        return access(secretId, v);
    }

    /** @throws SecretStoreException if the secret does not exist or a call fails */
    @Override
    public void putValue(String secretId, String versionId, String value, Set<String> stages) {
        Long added = null; // the version this call added, once it has
        for (int attempt = 1; ; attempt++) {
            State state = state(secretId)
                    .orElseThrow(() ->
                            new SecretStoreException("Secret Manager has no secret '" + secretId + "'", false, null));
            Version stored = state.byId(versionId);
            if (stored != null) {
                if (added != null && stored.number() != added) {
                    // A concurrent delivery of this token annotated its version first: ours is a copy.
                    disable(secretId, added);
                }
                return; // added before: a retried step, or the concurrent delivery's version
            }
            try {
                Secret secret = pinImplicitCurrent(state);
                if (added == null) {
                    added = addVersion(secretId, value);
                }
                Secret.Builder b = secret.toBuilder().putAnnotations(TOKEN_ANNOTATION + added, versionId);
                for (String stage : stages) {
                    b.putVersionAliases(stage, added); // an alias names one version: this moves it
                }
                update(b.build(), "annotations,version_aliases");
                return;
            } catch (SecretStoreException e) {
                if (!(e instanceof EtagConflictException) || attempt == PUT_ATTEMPTS) {
                    throw e;
                }
                // The secret changed since we read it (another delivery, a label move): read it again.
            }
        }
    }

    /**
     * A secret without an AWSCURRENT alias has its newest enabled version as CURRENT: pin that with
     * the alias before adding a version, which is newer and, were the run to stop before it is
     * annotated, must not be taken for the current one.
     *
     * @return the secret as it is now
     */
    private Secret pinImplicitCurrent(State state) {
        Secret secret = state.secret();
        Version current = state.withStage(SecretMetadata.CURRENT);
        if (secret.containsVersionAliases(SecretMetadata.CURRENT) || current == null) {
            return secret;
        }
        return update(
                secret.toBuilder()
                        .putVersionAliases(SecretMetadata.CURRENT, current.number())
                        .build(),
                "version_aliases");
    }

    private long addVersion(String secretId, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        SecretPayload payload = SecretPayload.newBuilder()
                .setData(ByteString.copyFrom(bytes))
                .setDataCrc32C(crc.getValue())
                .build();
        return number(call("add a version to", secretId, () -> client.addSecretVersion(secretId, payload))
                .getName());
    }

    private void disable(String secretId, long number) {
        call("disable a version of", secretId, () -> client.disableSecretVersion(secretId + "/versions/" + number));
    }

    /**
     * With {@code toVersion} null, only removes {@code stage} from {@code fromVersion}. Moving
     * CURRENT also disables the unlabelled versions older than the grace period.
     *
     * @throws SecretStoreException if the secret or {@code toVersion} does not exist or a call fails
     */
    @Override
    public void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        State state = state(secretId)
                .orElseThrow(
                        () -> new SecretStoreException("Secret Manager has no secret '" + secretId + "'", false, null));
        Secret secret = state.secret();
        Version from = fromVersion == null ? null : state.byId(fromVersion);
        if (toVersion == null) {
            if (from != null && secret.getVersionAliasesMap().getOrDefault(stage, -1L) == from.number()) {
                update(secret.toBuilder().removeVersionAliases(stage).build(), "version_aliases");
            }
            return;
        }
        Version to = state.byId(toVersion);
        if (to == null) {
            throw new SecretStoreException(
                    "Secret Manager secret '" + secretId + "' has no version " + toVersion, false, null);
        }
        Secret.Builder b = secret.toBuilder().putVersionAliases(stage, to.number());
        if (stage.equals(SecretMetadata.CURRENT) && from != null && from.number() != to.number()) {
            b.putVersionAliases(SecretMetadata.PREVIOUS, from.number());
        }
        List<Version> retire = new ArrayList<>();
        if (stage.equals(SecretMetadata.CURRENT)) {
            Set<Long> labelled = new LinkedHashSet<>(b.getVersionAliasesMap().values());
            Instant cutoff = clock.instant().minus(grace);
            for (Version v : state.versions()) {
                if (v.enabled() && !labelled.contains(v.number()) && v.created().isBefore(cutoff)) {
                    retire.add(v);
                    b.removeAnnotations(TOKEN_ANNOTATION + v.number());
                }
            }
        }
        Secret updated = b.build();
        if (!updated.getVersionAliasesMap().equals(secret.getVersionAliasesMap())
                || !updated.getAnnotationsMap().equals(secret.getAnnotationsMap())) {
            update(updated, "annotations,version_aliases");
        }
        for (Version v : retire) {
            disable(secretId, v.number());
        }
    }

    /** Secret Manager has no password generator. */
    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.empty();
    }

    private Optional<State> state(String secretId) {
        Secret secret;
        List<SecretVersion> listed = new ArrayList<>();
        try {
            secret = call("read", secretId, () -> client.getSecret(secretId));
            call("list the versions of", secretId, () -> {
                client.listSecretVersions(secretId).iterateAll().forEach(listed::add);
                return null;
            });
        } catch (SecretStoreException e) {
            if (e.getCause() instanceof ApiException api
                    && api.getStatusCode().getCode() == StatusCode.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        Map<Long, Set<String>> stagesByNumber = new HashMap<>();
        secret.getVersionAliasesMap()
                .forEach((alias, n) -> stagesByNumber
                        .computeIfAbsent(n, k -> new LinkedHashSet<>())
                        .add(alias));
        List<Version> versions = new ArrayList<>();
        for (SecretVersion sv : listed) {
            if (sv.getState() == SecretVersion.State.DESTROYED) {
                continue;
            }
            long n = number(sv.getName());
            String token = secret.getAnnotationsMap().get(TOKEN_ANNOTATION + n);
            versions.add(new Version(
                    n,
                    token != null ? token : Long.toString(n),
                    sv.getState() == SecretVersion.State.ENABLED,
                    Instant.ofEpochSecond(
                            sv.getCreateTime().getSeconds(), sv.getCreateTime().getNanos()),
                    new LinkedHashSet<>(stagesByNumber.getOrDefault(n, Set.of()))));
        }
        versions.sort(Comparator.comparingLong(Version::number).reversed());
        if (!secret.containsVersionAliases(SecretMetadata.CURRENT)) {
            // Created outside dbre: "latest" (the newest enabled version) is what readers get.
            versions.stream()
                    .filter(v -> v.enabled() && !secret.containsAnnotations(TOKEN_ANNOTATION + v.number()))
                    .findFirst()
                    .ifPresent(v -> v.stages().add(SecretMetadata.CURRENT));
        }
        return Optional.of(new State(secret, versions));
    }

    private Optional<String> access(String secretId, Version v) {
        try {
            return Optional.of(call(
                            "access a version of",
                            secretId,
                            () -> client.accessSecretVersion(secretId + "/versions/" + v.number()))
                    .getPayload()
                    .getData()
                    .toStringUtf8());
        } catch (SecretStoreException e) {
            if (e.getCause() instanceof ApiException api
                    && (rpcCode(api) == StatusCode.Code.NOT_FOUND
                            || rpcCode(api) == StatusCode.Code.FAILED_PRECONDITION)) {
                return Optional.empty(); // gone, or disabled
            }
            throw e;
        }
    }

    private Secret update(Secret secret, String paths) {
        FieldMask.Builder mask = FieldMask.newBuilder();
        for (String p : paths.split(",")) {
            mask.addPaths(p);
        }
        try {
            return call("update", secret.getName(), () -> client.updateSecret(secret, mask.build()));
        } catch (SecretStoreException e) {
            // UpdateSecret with a stale etag fails FAILED_PRECONDITION (HTTP 400), as Secret
            // Manager's etag documentation says; update sends nothing else that can.
            if (e.getCause() instanceof ApiException api && rpcCode(api) == StatusCode.Code.FAILED_PRECONDITION) {
                throw new EtagConflictException(secret.getName(), api);
            }
            throw e;
        }
    }

    /** The secret changed since it was read: read it again and retry. */
    private static final class EtagConflictException extends SecretStoreException {
        EtagConflictException(String secretId, Throwable cause) {
            super("Secret Manager secret '" + secretId + "' changed while it was being updated (etag)", true, cause);
        }
    }

    private static long number(String versionName) {
        return Long.parseLong(versionName.substring(versionName.lastIndexOf('/') + 1));
    }

    /**
     * The status Secret Manager answered. Over the HTTP/JSON transport gax derives the code from
     * the HTTP status alone, and 400 becomes INVALID_ARGUMENT, while Secret Manager answers a stale
     * etag and a read of a disabled version with FAILED_PRECONDITION on HTTP 400: the error body's
     * {@code status} tells them apart.
     */
    static StatusCode.Code rpcCode(ApiException e) {
        StatusCode.Code code = e.getStatusCode().getCode();
        if (code != StatusCode.Code.INVALID_ARGUMENT) {
            return code;
        }
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof HttpResponseException h && h.getContent() != null) {
                try {
                    String status = JSON.readTree(h.getContent())
                            .path("error")
                            .path("status")
                            .asText("");
                    return status.isEmpty() ? code : StatusCode.Code.valueOf(status);
                } catch (IOException | IllegalArgumentException notAStatus) {
                    return code;
                }
            }
        }
        return code;
    }

    private static <T> T call(String operation, String secretId, Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            StatusCode.Code code = rpcCode(e);
            boolean retryable = e.isRetryable()
                    || switch (code) {
                        case UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, ABORTED, INTERNAL -> true;
                        default -> false;
                    };
            throw new SecretStoreException(
                    "Secret Manager could not " + operation + " secret '" + secretId + "': " + code, retryable, e);
        }
    }

    @Override
    public String toString() {
        return "SecretManagerStore";
    }
}
