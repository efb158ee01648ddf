package dev.dbre.rotation;

import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SecretStore} in memory, with Secrets Manager's label rules, for tests of code that reads
 * secrets (the connection factory) and of the rotation engine (value-less PENDING versions, label-less
 * versions dropped, as the local file store in functions/local does). It runs {@link
 * SecretStoreContract} itself ({@code MemorySecretStoreTest}), so it behaves as the real adapters do.
 */
public class MemorySecretStore implements SecretStore {
    private record Secret(boolean rotationEnabled, Map<String, String> values, Map<String, Set<String>> stages) {}

    private final Map<String, Secret> secrets = new HashMap<>();

    /** How many value reads were made (tests check the cache). */
    public final AtomicInteger reads = new AtomicInteger();

    /** Creates {@code secretId} with {@code value} as CURRENT; returns its version id. */
    public synchronized String create(String secretId, String value, boolean rotationEnabled) {
        Secret s = new Secret(rotationEnabled, new LinkedHashMap<>(), new LinkedHashMap<>());
        String version = UUID.randomUUID().toString();
        s.values().put(version, value);
        s.stages().put(version, new LinkedHashSet<>(Set.of(SecretMetadata.CURRENT)));
        secrets.put(secretId, s);
        return version;
    }

    /** Turns rotation on or off. @throws SecretStoreException if the secret does not exist */
    public synchronized void setRotationEnabled(String secretId, boolean enabled) {
        Secret s = existing(secretId);
        secrets.put(secretId, new Secret(enabled, s.values(), s.stages()));
    }

    /** Whether the secret exists. */
    public synchronized boolean exists(String secretId) {
        return secrets.containsKey(secretId);
    }

    /** Puts {@code value} as a new CURRENT version (the old one becomes PREVIOUS), as a finished rotation does. */
    public synchronized String rotate(String secretId, String value) {
        String version = UUID.randomUUID().toString();
        String old = describe(secretId).versionWith(SecretMetadata.CURRENT);
        putValue(secretId, version, value, Set.of(SecretMetadata.PENDING));
        moveStage(secretId, SecretMetadata.CURRENT, version, old);
        return version;
    }

    @Override
    public synchronized SecretMetadata describe(String secretId) {
        Secret s = secrets.get(secretId);
        if (s == null) {
            throw new SecretStoreException("no secret " + secretId, false, null);
        }
        Map<String, Set<String>> copy = new HashMap<>();
        s.stages().forEach((v, l) -> copy.put(v, Set.copyOf(l)));
        return new SecretMetadata(secretId, s.rotationEnabled(), copy);
    }

    @Override
    public synchronized Optional<String> valueByStage(String secretId, String stage) {
        reads.incrementAndGet();
        Secret s = secrets.get(secretId);
        if (s != null) {
            for (Map.Entry<String, Set<String>> e : s.stages().entrySet()) {
                if (e.getValue().contains(stage)) {
                    return Optional.ofNullable(s.values().get(e.getKey()));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<String> valueByVersion(String secretId, String versionId, String stage) {
        reads.incrementAndGet();
        Secret s = secrets.get(secretId);
        if (s == null
                || !s.values().containsKey(versionId)
                || (stage != null && !s.stages().get(versionId).contains(stage))) {
            return Optional.empty();
        }
        return Optional.ofNullable(s.values().get(versionId));
    }

    @Override
    public synchronized void putValue(String secretId, String versionId, String value, Set<String> stages) {
        Secret s = existing(secretId);
        String held = s.values().get(versionId);
        if (held != null && !held.equals(value)) {
            throw new SecretStoreException(
                    "version " + versionId + " of secret " + secretId + " exists with another value", false, null);
        }
        s.values().put(versionId, value);
        s.stages().putIfAbsent(versionId, new LinkedHashSet<>());
        for (String stage : stages) {
            attach(s, stage, versionId);
        }
        prune(s);
    }

    /** A version staged PENDING with no value yet, as Secrets Manager's RotateSecret makes. */
    @Override
    public synchronized boolean beginVersion(String secretId, String versionId) {
        Secret s = existing(secretId);
        if (!s.stages().containsKey(versionId)) {
            s.values().put(versionId, null);
            s.stages().put(versionId, new LinkedHashSet<>());
            attach(s, SecretMetadata.PENDING, versionId);
            prune(s);
        }
        return true;
    }

    private Secret existing(String secretId) {
        Secret s = secrets.get(secretId);
        if (s == null) {
            throw new SecretStoreException("no secret " + secretId, false, null);
        }
        return s;
    }

    /** Puts {@code stage} on {@code version} only; CURRENT's old holder becomes PREVIOUS. */
    private static void attach(Secret s, String stage, String version) {
        String oldHolder = null;
        for (Map.Entry<String, Set<String>> e : s.stages().entrySet()) {
            if (!e.getKey().equals(version) && e.getValue().remove(stage)) {
                oldHolder = e.getKey();
            }
        }
        s.stages().get(version).add(stage);
        if (stage.equals(SecretMetadata.CURRENT) && oldHolder != null) {
            attach(s, SecretMetadata.PREVIOUS, oldHolder);
        }
    }

    /** Versions without a label are gone, as Secrets Manager deprecates them. */
    private static void prune(Secret s) {
        s.stages().entrySet().removeIf(e -> {
            boolean unlabelled = e.getValue().isEmpty();
            if (unlabelled) {
                s.values().remove(e.getKey());
            }
            return unlabelled;
        });
    }

    @Override
    public synchronized void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        Secret s = secrets.get(secretId);
        if (s != null && toVersion == null) {
            if (s.stages().containsKey(fromVersion)) {
                s.stages().get(fromVersion).remove(stage);
            }
            prune(s);
            return;
        }
        if (s == null || !s.values().containsKey(toVersion)) {
            throw new SecretStoreException("no version " + toVersion + " of " + secretId, false, null);
        }
        attach(s, stage, toVersion);
        prune(s);
    }

    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.empty();
    }
}
