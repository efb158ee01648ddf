package dev.dbre.azure;

import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.dbre.config.ConfigException;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;
import java.time.Clock;

/** The database login for the Azure functions, chosen by {@code DBRE_DB_AUTH}. */
final class AzureConnections {
    private AzureConnections() {}

    /**
     * @throws ConfigException naming {@code DBRE_DB_AUTH} when it is {@code secret} (not built yet)
     */
    static ConnectionFactory of(DbSettings settings, Clock clock) {
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null);
            // DefaultAzureCredential: the function app's managed identity in Azure, the
            // developer's az login locally. Built lazily, on the first token request.
            case IAM ->
                new PasswordConnectionFactory(
                        settings, new EntraTokenSupplier(new DefaultAzureCredentialBuilder().build(), clock));
            case SECRET ->
                throw new ConfigException(
                        DbSettings.AUTH,
                        "secret is not supported yet: reading the password from Key Vault comes with the rotation"
                                + " issue; use iam (an Entra token) or none");
        };
    }
}
