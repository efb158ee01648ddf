package dev.dbre.azure.rotation;

import dev.dbre.azure.db.AzureDbConfig;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.TlsRoots;
import dev.dbre.rotation.RotationSettings;

/**
 * The rotation function's settings, read and validated once at cold start: the strategy, the new
 * password's policy and the TLS roots of the rotation's logins ({@link RotationSettings}), and the
 * vault ({@link KeyVaultConfig}); and, when {@code DBRE_DB_HOST} is set, the product's database
 * ({@code runsDb}, as the other functions read it), where each step is recorded in {@code
 * rotation_runs} for the SLO report (null: nothing recorded).
 */
public record KeyVaultRotationConfig(RotationSettings settings, KeyVaultConfig vault, AzureDbConfig runsDb) {
    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static KeyVaultRotationConfig fromEnv(Env env) {
        RotationSettings settings = RotationSettings.fromEnv(env);
        // Azure Database for PostgreSQL chains to roots the Java trust store holds.
        String root = TlsRoots.forSecrets(env, DbSettings.SYSTEM_ROOTS);
        return new KeyVaultRotationConfig(
                settings.withSslRootCert(root),
                KeyVaultConfig.fromEnv(env),
                env.optional(DbSettings.HOST) == null ? null : AzureDbConfig.fromEnv(env));
    }
}
