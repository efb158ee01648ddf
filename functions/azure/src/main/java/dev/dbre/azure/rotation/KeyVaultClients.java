package dev.dbre.azure.rotation;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.net.URI;
import java.time.Duration;

/** The Key Vault settings' names and checks ({@link KeyVaultConfig} holds their values). */
public final class KeyVaultClients {
    /** The vault, e.g. {@code https://my-vault.vault.azure.net}. */
    public static final String VAULT_URL = "DBRE_KEY_VAULT_URL";

    /** Days a version written by a rotation stays valid (its {@code expiresOn}); default 90. */
    public static final String EXPIRY_DAYS = "DBRE_KEY_VAULT_SECRET_EXPIRY_DAYS";

    private KeyVaultClients() {}

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
