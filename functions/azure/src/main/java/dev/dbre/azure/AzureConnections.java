package dev.dbre.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.dbre.azure.rotation.KeyVaultClients;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.port.ConnectionFactory;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The database login for the Azure functions, chosen by {@code DBRE_DB_AUTH}: {@code iam} (the
 * default) an Entra token, {@code secret} user and password from the Key Vault secret {@code
 * DBRE_DB_SECRET_ID} in {@code DBRE_KEY_VAULT_URL}, {@code none} no password. TLS roots default to
 * the Java trust store ({@link DbSettings#SYSTEM_ROOTS}): Azure Database for PostgreSQL's
 * certificates chain to DigiCert Global Root G2 / Microsoft RSA Root CA 2017, which it holds.
 *
 * <p>Behind a small pool ({@value PooledConnectionFactory#POOL_SIZE}, default {@value
 * #DEFAULT_POOL_SIZE}: the Java worker runs several invocations at once, one per Event Hubs
 * partition and per HTTP request), kept across warm invocations; each new physical connection asks
 * the token supplier (or the secret) again, so a login never uses an expired token.
 */
final class AzureConnections {
    /** The worker runs invocations concurrently: a few connections, not one. */
    static final int DEFAULT_POOL_SIZE = 4;

    private AzureConnections() {}

    /**
     * @throws ConfigException naming the variable that is missing or wrong
     */
    static PooledConnectionFactory fromEnv(Env env, Clock clock) {
        // DefaultAzureCredential: the function app's managed identity in Azure, the developer's az
        // login locally. It asks Entra for nothing until the first token request.
        return fromEnv(env, clock, () -> new DefaultAzureCredentialBuilder().build());
    }

    /**
     * As {@link #fromEnv(Env, Clock)}, with {@code credential} for {@code iam} (asked now, only
     * with iam).
     */
    static PooledConnectionFactory fromEnv(Env env, Clock clock, Supplier<TokenCredential> credential) {
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), DbSettings.SYSTEM_ROOTS);
        DbTimeouts timeouts = DbTimeouts.fromEnv(env);
        int poolSize = env.integer(
                PooledConnectionFactory.POOL_SIZE, DEFAULT_POOL_SIZE, 1, PooledConnectionFactory.MAX_POOL_SIZE);
        ConnectionFactory physical = switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null, timeouts);
            case IAM ->
                new PasswordConnectionFactory(settings, new EntraTokenSupplier(credential.get(), clock), timeouts);
            case SECRET -> new SecretConnectionFactory(settings, KeyVaultClients.fromEnv(env, clock), timeouts);
        };
        return new PooledConnectionFactory(physical, poolSize, timeouts);
    }
}
