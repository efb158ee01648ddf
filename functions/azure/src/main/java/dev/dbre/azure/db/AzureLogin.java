package dev.dbre.azure.db;

import com.azure.core.credential.TokenCredential;
import dev.dbre.azure.rotation.KeyVaultClients;
import dev.dbre.azure.rotation.KeyVaultConfig;
import dev.dbre.config.ConfigException;
import dev.dbre.db.CloudLogin;
import dev.dbre.db.DbSettings;
import dev.dbre.port.SecretStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What Azure lends the shared connection factory: Entra access tokens for the Azure Database for
 * PostgreSQL audience ({@code iam}) and the Key Vault store ({@code secret}). Each is built only
 * when {@code DBRE_DB_AUTH} asks for it.
 */
final class AzureLogin implements CloudLogin {
    private final Optional<KeyVaultConfig> vault;
    private final Supplier<TokenCredential> credential;
    private final Clock clock;

    AzureLogin(Optional<KeyVaultConfig> vault, Supplier<TokenCredential> credential, Clock clock) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Supplier<String> iamTokens(DbSettings settings) {
        return new EntraTokenSupplier(credential.get(), clock);
    }

    @Override
    public SecretStore secrets() {
        return vault.orElseThrow(() -> new ConfigException(KeyVaultClients.VAULT_URL, "is required with secret"))
                .store(credential.get(), clock);
    }
}
