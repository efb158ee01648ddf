package dev.dbre.azure.rotation;

import com.azure.core.credential.TokenCredential;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import dev.dbre.config.Env;
import java.time.Clock;
import java.time.Duration;

/**
 * The Key Vault settings, read once at cold start: the vault ({@value KeyVaultClients#VAULT_URL})
 * and how long a version written by a rotation stays valid ({@value KeyVaultClients#EXPIRY_DAYS}).
 */
public record KeyVaultConfig(String vaultUrl, Duration expiry) {
    /**
     * @throws dev.dbre.config.ConfigException naming {@value KeyVaultClients#VAULT_URL} or {@value
     *     KeyVaultClients#EXPIRY_DAYS} when missing or wrong
     */
    public static KeyVaultConfig fromEnv(Env env) {
        return new KeyVaultConfig(KeyVaultClients.vaultUrl(env), KeyVaultClients.expiry(env));
    }

    /** A store over the vault, signed in with {@code credential}. Asks Key Vault for nothing yet. */
    public KeyVaultSecretStore store(TokenCredential credential, Clock clock) {
        return new KeyVaultSecretStore(
                new SecretClientBuilder()
                        .vaultUrl(vaultUrl)
                        .credential(credential)
                        .buildClient(),
                expiry,
                clock);
    }
}
