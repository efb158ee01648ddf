package dev.dbre.azure.db;

import com.azure.core.credential.TokenCredential;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.config.Env;
import dev.dbre.db.DatabaseConnections;
import dev.dbre.db.PooledConnectionFactory;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The database login of the Azure functions: the shared pooled factory ({@link
 * DatabaseConnections#pooled}, which holds the none/iam/secret switch) over Azure's {@link
 * AzureLogin}: {@code iam} (the default) an Entra token, {@code secret} user and password from the
 * Key Vault secret {@code DBRE_DB_SECRET_ID} in {@code DBRE_KEY_VAULT_URL}, {@code none} no password.
 *
 * <p>The pool is kept across warm invocations; each new physical connection asks the token supplier
 * (cached until five minutes before expiry) or the secret again, so a login never uses an expired
 * token.
 */
public final class AzureConnections {
    private AzureConnections() {}

    /**
     * @param credential the identity for {@code iam} tokens and the Key Vault client, asked for only
     *     by the login that needs it
     */
    public static PooledConnectionFactory pooled(
            AzureDbConfig config, Clock clock, Supplier<TokenCredential> credential) {
        return DatabaseConnections.pooled(
                config.settings(),
                config.timeouts(),
                config.poolSize(),
                new AzureLogin(config.vault(), credential, clock));
    }

    /**
     * As {@link #pooled} for the settings in {@code env}, signing in as the process's identity.
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static PooledConnectionFactory fromEnv(Env env, Clock clock) {
        return fromEnv(env, clock, AzureCredentials.DEFAULT);
    }

    /** As {@link #fromEnv(Env, Clock)}, with {@code credential}. */
    public static PooledConnectionFactory fromEnv(Env env, Clock clock, Supplier<TokenCredential> credential) {
        return pooled(AzureDbConfig.fromEnv(env), clock, credential);
    }
}
