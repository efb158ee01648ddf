package dev.dbre.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SecretStore} around the real local store that can fail one call — before it takes
 * effect, or after (the write happened but the caller sees an error, as when a response is lost)
 * — and that remembers every password it was given, so tests can scan the logs for all of them.
 */
final class FaultyStore implements SecretStore {
    enum When {
        BEFORE,
        AFTER
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    final MemorySecretStore delegate;
    final Set<String> passwords = new LinkedHashSet<>();
    private String failMethod;
    private When failWhen;

    FaultyStore(MemorySecretStore delegate) {
        this.delegate = delegate;
    }

    /** The next call of {@code method} fails, {@code when} it would take effect. */
    void failNext(String method, When when) {
        this.failMethod = method;
        this.failWhen = when;
    }

    boolean armed() {
        return failMethod != null;
    }

    String create(String id, String value) {
        remember(value);
        return delegate.create(id, value, true);
    }

    private void before(String method) {
        if (method.equals(failMethod) && failWhen == When.BEFORE) {
            failMethod = null;
            throw new SecretStoreException("injected failure before " + method, true, null);
        }
    }

    private void after(String method) {
        if (method.equals(failMethod) && failWhen == When.AFTER) {
            failMethod = null;
            throw new SecretStoreException("injected failure after " + method, true, null);
        }
    }

    void remember(String value) {
        try {
            JsonNode p = JSON.readTree(value).get("password");
            if (p != null) {
                passwords.add(p.asText());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public SecretMetadata describe(String secretId) {
        before("describe");
        SecretMetadata m = delegate.describe(secretId);
        after("describe");
        return m;
    }

    @Override
    public Optional<String> valueByStage(String secretId, String stage) {
        before("valueByStage");
        Optional<String> v = delegate.valueByStage(secretId, stage);
        after("valueByStage");
        return v;
    }

    @Override
    public Optional<String> valueByVersion(String secretId, String versionId, String stage) {
        before("valueByVersion");
        Optional<String> v = delegate.valueByVersion(secretId, versionId, stage);
        after("valueByVersion");
        return v;
    }

    @Override
    public void putValue(String secretId, String versionId, String value, Set<String> stages) {
        remember(value);
        before("putValue");
        delegate.putValue(secretId, versionId, value, stages);
        after("putValue");
    }

    @Override
    public void moveStage(String secretId, String stage, String toVersion, String fromVersion) {
        before("moveStage");
        delegate.moveStage(secretId, stage, toVersion, fromVersion);
        after("moveStage");
    }

    @Override
    public boolean beginVersion(String secretId, String versionId) {
        before("beginVersion");
        boolean b = delegate.beginVersion(secretId, versionId);
        after("beginVersion");
        return b;
    }

    @Override
    public Optional<String> generatePassword(PasswordPolicy policy) {
        return Optional.empty();
    }
}
