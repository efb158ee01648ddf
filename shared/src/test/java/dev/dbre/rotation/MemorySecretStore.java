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
 * secrets (the connection factory). It runs {@link SecretStoreContract} itself ({@code
 * MemorySecretStoreTest}), so it behaves as the real adapters do.
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
        if (s == null) {
            return Optional.empty();
        }
        return s.stages().entrySet().stream()
                .filter(e -> e.getValue().contains(stage))
                .map(e -> s.values().get(e.getKey()))
                .findFirst();
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
        return Optional.of(s.values().get(versionId));
    }

    @Override
    public synchronized void putValue(String secretId, String versionId, String value, Set<String> stages) {
        Secret s = secrets.get(secretId);
        if (s == null) {
            throw new SecretStoreException("no secret " + secretId, false, null);
        }
        if (s.values().containsKey(versionId)) {
            return;
        }
        s.values().put(versionId, value);
        s.stages().put(versionId, new LinkedHashSet<>());
        for (String stage : stages) {
            s.stages().values().forEach(l -> l.remove(stage));
            s.stages().get(versionId).add(stage);
        }
    }

    @Override
    public synchronized void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        Secret s = secrets.get(secretId);
        if (s != null && toVersion == null) {
            if (s.stages().containsKey(fromVersion)) {
                s.stages().get(fromVersion).remove(stage);
            }
            return;
        }
        if (s == null || !s.values().containsKey(toVersion)) {
            throw new SecretStoreException("no version " + toVersion + " of " + secretId, false, null);
        }
        if (s.stages().get(toVersion).contains(stage)) {
            return;
        }
        s.stages().values().forEach(l -> l.remove(stage));
        s.stages().get(toVersion).add(stage);
        if (stage.equals(SecretMetadata.CURRENT)
                && fromVersion != null
                && s.values().containsKey(fromVersion)) {
            s.stages().values().forEach(l -> l.remove(SecretMetadata.PREVIOUS));
            s.stages().get(fromVersion).add(SecretMetadata.PREVIOUS);
        }
    }

    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.empty();
    }
}
