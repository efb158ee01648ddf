package dev.dbre.azure;

import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.dbre.azure.rotation.KeyVaultClients;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import java.time.Clock;

/**
 * The database login for the Azure functions, chosen by {@code DBRE_DB_AUTH}: {@code iam} (the
 * default) an Entra token, {@code secret} user and password from the Key Vault secret {@code
 * DBRE_DB_SECRET_ID} in {@code DBRE_KEY_VAULT_URL}, {@code none} no password. TLS roots default to
 * the Java trust store ({@link DbSettings#SYSTEM_ROOTS}): Azure Database for PostgreSQL's
 * certificates chain to DigiCert Global Root G2 / Microsoft RSA Root CA 2017, which it holds.
 */
final class AzureConnections {
    private AzureConnections() {}

    /**
     * @throws ConfigException naming the variable that is missing or wrong
     */
    static ConnectionFactory fromEnv(Env env, Clock clock) {
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), DbSettings.SYSTEM_ROOTS);
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null);
            // DefaultAzureCredential: the function app's managed identity in Azure, the
            // developer's az login locally. Built lazily, on the first token request.
            case IAM ->
                new PasswordConnectionFactory(
                        settings, new EntraTokenSupplier(new DefaultAzureCredentialBuilder().build(), clock));
            case SECRET -> new SecretConnectionFactory(settings, KeyVaultClients.fromEnv(env, clock));
        };
    }
}
