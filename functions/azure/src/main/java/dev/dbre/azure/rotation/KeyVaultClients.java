package dev.dbre.azure.rotation;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/** Builds the Key Vault secret store once per function instance, from the environment. */
public final class KeyVaultClients {
    /** The vault, e.g. {@code https://my-vault.vault.azure.net}. */
    public static final String VAULT_URL = "DBRE_KEY_VAULT_URL";

    /** Days a version written by a rotation stays valid (its {@code expiresOn}); default 90. */
    public static final String EXPIRY_DAYS = "DBRE_KEY_VAULT_SECRET_EXPIRY_DAYS";

    private KeyVaultClients() {}

    /**
     * A store over the vault, authenticated by the function's managed identity
     * (DefaultAzureCredential).
     *
     * @throws ConfigException naming {@value #VAULT_URL} or {@value #EXPIRY_DAYS} when missing or wrong
     */
    public static KeyVaultSecretStore fromEnv(Env env, Clock clock) {
        return fromEnv(env, clock, new DefaultAzureCredentialBuilder().build());
    }

    /** As {@link #fromEnv(Env, Clock)}, with {@code credential}. */
    public static KeyVaultSecretStore fromEnv(Env env, Clock clock, TokenCredential credential) {
        String url = vaultUrl(env);
        SecretClient client =
                new SecretClientBuilder().vaultUrl(url).credential(credential).buildClient();
        return new KeyVaultSecretStore(client, expiry(env), clock);
    }

    /** @throws ConfigException naming {@value #VAULT_URL} unless it is set to an https URL */
    public static String vaultUrl(Env env) {
        String url = env.required(VAULT_URL);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(VAULT_URL, "is not a URL: '" + url + "'");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException(
                    VAULT_URL, "must be an https URL such as https://my-vault.vault.azure.net, was '" + url + "'");
        }
        return url;
    }

    /** @throws ConfigException naming {@value #EXPIRY_DAYS} if not a whole number of days in 1..3650 */
    public static Duration expiry(Env env) {
        return Duration.ofDays(env.integer(EXPIRY_DAYS, 90, 1, 3650));
    }
}
