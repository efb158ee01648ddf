package dev.dbre.azure.rotation;

import dev.dbre.azure.db.AzureConnections;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationStrategy;
import java.time.Clock;

/**
 * What the Key Vault rotation function builds once per process from {@link
 * KeyVaultRotationConfig}: the rotation service over the vault's store, the strategy, and the vault
 * the events must be about.
 */
public record KeyVaultRotationRuntime(RotationService rotation, RotationStrategy strategy, String vaultUrl) {
    /** The process-wide instance, built from the app settings on first use (tried again after an error). */
    static final Lazy<KeyVaultRotationRuntime> SHARED = Lazy.of(() -> {
        KeyVaultRotationConfig config = KeyVaultRotationConfig.fromEnv(Env.system());
        Clock clock = Clock.systemUTC();
        return of(config, config.vault().store(AzureCredentials.DEFAULT.get(), clock), clock);
    });

    /**
     * Over {@code store} (tests: the fake vault's), with the settings in {@code env}.
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static KeyVaultRotationRuntime fromEnv(Env env, KeyVaultSecretStore store) {
        return of(KeyVaultRotationConfig.fromEnv(env), store, Clock.systemUTC());
    }

    static KeyVaultRotationRuntime of(KeyVaultRotationConfig config, KeyVaultSecretStore store, Clock clock) {
        RotationService rotation =
                new RotationService(store, config.settings()).withMetrics(new LogMetricsPublisher(System.out, clock));
        if (config.runsDb() != null) {
            // The pool connects on first use; a step's row that cannot be written never fails it.
            rotation = rotation.withRunStore(new RotationRunStore(
                    AzureConnections.pooled(config.runsDb(), clock, AzureCredentials.DEFAULT),
                    clock,
                    "azure",
                    KeyVaultRotationFunction.NAME));
        }
        return new KeyVaultRotationRuntime(
                rotation, config.settings().strategy(), config.vault().vaultUrl());
    }
}
