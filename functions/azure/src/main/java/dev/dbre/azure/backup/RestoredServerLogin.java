package dev.dbre.azure.backup;

import com.azure.core.credential.TokenCredential;
import dev.dbre.azure.db.EntraTokenSupplier;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Lazy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.RestoredDbLogin;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the Flexible Server provider logs in to a server it restored ({@link RestoredDbLogin}, {@code
 * DBRE_RESTORE_DB_*}): {@code iam} with a Microsoft Entra token for the Azure Database for
 * PostgreSQL audience (the function's managed identity, which must be a Microsoft Entra role on the
 * source server: the restored server holds the source's roles), {@code secret} with the source's
 * login from Key Vault ({@code DBRE_KEY_VAULT_URL} / {@code DBRE_RESTORE_DB_SECRET_ID}; CURRENT, then
 * PREVIOUS, then PENDING), {@code none} without a password. The credential and the vault client are
 * built on first use, so a function that never verifies never asks Entra for a token.
 */
public final class RestoredServerLogin {
    private final RestoredDbLogin login;
    private final Supplier<Supplier<String>> tokens;
    private final Supplier<SecretStore> secrets;

    /**
     * @param credential the Entra credential, asked for on the first iam login
     * @param secrets the Key Vault store, asked for on the first secret login
     */
    public RestoredServerLogin(
            RestoredDbLogin login, Supplier<TokenCredential> credential, Supplier<SecretStore> secrets, Clock clock) {
        this.login = Objects.requireNonNull(login, "login");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(clock, "clock");
        // One token supplier for all restored servers: the token is per audience, not per host.
        this.tokens = Lazy.of(() -> new EntraTokenSupplier(credential.get(), clock));
        this.secrets = Lazy.of(Objects.requireNonNull(secrets, "secrets"));
    }

    /** A login that needs neither a token nor a secret ({@code none}); iam and secret fail naming the variable. */
    public static RestoredServerLogin withoutCloudLogins(RestoredDbLogin login, Clock clock) {
        return new RestoredServerLogin(
                login,
                () -> {
                    throw new ConfigException(RestoredDbLogin.AUTH, "iam has no Entra credential here");
                },
                () -> {
                    throw new ConfigException(RestoredDbLogin.AUTH, "secret has no Key Vault here");
                },
                clock);
    }

    public RestoredDbLogin login() {
        return login;
    }

    /**
     * Connections to {@code database} on the restored {@code newName}.
     *
     * @throws dev.dbre.port.ProviderException BUSY (retryable, code NotAvailable) while the server is not ready
     */
    public ConnectionFactory connect(String newName, RestoreProgress progress, String database) {
        return login.connect(newName, progress, database, settings -> tokens.get(), secrets);
    }

    @Override
    public String toString() {
        return "RestoredServerLogin[" + login + "]";
    }
}
