package dev.dbre.azure.db;

import dev.dbre.azure.rotation.KeyVaultConfig;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.TlsRoots;
import java.util.Optional;

/**
 * The function's own database ({@code DBRE_DB_*}), read and validated once at cold start. TLS roots
 * default to the Java trust store ({@link DbSettings#SYSTEM_ROOTS}): Azure Database for PostgreSQL's
 * certificates chain to DigiCert Global Root G2 / Microsoft RSA Root CA 2017, which it holds.
 *
 * @param poolSize connections kept across warm invocations ({@value PooledConnectionFactory#POOL_SIZE})
 * @param vault the Key Vault holding {@code DBRE_DB_SECRET_ID}: present exactly with {@code
 *     DBRE_DB_AUTH=secret}
 */
public record AzureDbConfig(DbSettings settings, DbTimeouts timeouts, int poolSize, Optional<KeyVaultConfig> vault) {
    /** The worker runs invocations concurrently (one per Event Hubs partition and HTTP request). */
    static final int DEFAULT_POOL_SIZE = 4;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static AzureDbConfig fromEnv(Env env) {
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), DbSettings.SYSTEM_ROOTS);
        DbTimeouts timeouts = DbTimeouts.fromEnv(env);
        int poolSize = env.integer(
                PooledConnectionFactory.POOL_SIZE, DEFAULT_POOL_SIZE, 1, PooledConnectionFactory.MAX_POOL_SIZE);
        Optional<KeyVaultConfig> vault =
                settings.auth() == DbAuth.SECRET ? Optional.of(KeyVaultConfig.fromEnv(env)) : Optional.empty();
        return new AzureDbConfig(settings, timeouts, poolSize, vault);
    }
}
