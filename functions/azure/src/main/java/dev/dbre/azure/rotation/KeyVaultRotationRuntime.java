package dev.dbre.azure.rotation;

import dev.dbre.azure.db.AzureCredentials;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.db.DbSettings;
import dev.dbre.db.TlsRoots;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.RotationStrategy;
import java.time.Clock;

/**
 * What the Key Vault rotation function builds once per process: the rotation service over the
 * vault's store, the strategy, and the vault the events must be about.
 */
public record KeyVaultRotationRuntime(RotationService rotation, RotationStrategy strategy, String vaultUrl) {
    /** The process-wide instance, built from the app settings on first use (tried again after an error). */
    static final Lazy<KeyVaultRotationRuntime> SHARED = Lazy.of(() -> {
        Env env = Env.system();
        KeyVaultConfig vault = KeyVaultConfig.fromEnv(env);
        return fromEnv(env, vault.store(AzureCredentials.DEFAULT.get(), Clock.systemUTC()));
    });

    /**
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static KeyVaultRotationRuntime fromEnv(Env env, KeyVaultSecretStore store) {
        RotationSettings settings = RotationSettings.fromEnv(env);
        // Azure Database for PostgreSQL chains to roots the Java trust store holds.
        String root = TlsRoots.forSecrets(env, DbSettings.SYSTEM_ROOTS);
        KeyVaultConfig vault = KeyVaultConfig.fromEnv(env);
        return new KeyVaultRotationRuntime(
                new RotationService(store, settings.withSslRootCert(root))
                        .withMetrics(new LogMetricsPublisher(System.out, Clock.systemUTC())),
                settings.strategy(),
                vault.vaultUrl());
    }
}
