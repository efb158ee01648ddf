package dev.dbre.rotation;

import dev.dbre.port.SecretStore;

/** The contract on the in-memory test store, so the tests that use it can trust it. */
class MemorySecretStoreTest extends SecretStoreContract {
    private final MemorySecretStore store = new MemorySecretStore();

    @Override
    protected SecretStore store() {
        return store;
    }

    @Override
    protected String createSecret(String secretId, String value, boolean rotationEnabled) {
        return store.create(secretId, value, rotationEnabled);
    }
}
