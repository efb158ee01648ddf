package dev.dbre.aws.rotation;

import dev.dbre.aws.backup.RdsClients;
import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.port.SecretStore;
import dev.dbre.rotation.MasterEndpointResolver;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationService;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The rotation function's one wiring place: from the {@link RotationConfig} read at cold start, the
 * Secrets Manager store (passwords from its {@code GetRandomPassword}), the RDS-managed master
 * secret's endpoint resolver and the rotation core with EMF metrics, recording each step in {@code
 * rotation_runs} when the product's database is configured. Built once per execution
 * environment; the RDS clients only on first use (an RDS-managed master secret).
 */
final class RotationWiring {
    private static final Lazy<RotationService> SYSTEM = Lazy.of(() -> of(RotationConfig.fromEnv(Env.system())));

    private RotationWiring() {}

    /**
     * The rotation core of this execution environment, built on first use (a failed build is tried
     * again on next use).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    static RotationService system() {
        return SYSTEM.get();
    }

    /** With the SDK's default credentials. */
    static RotationService of(RotationConfig config) {
        SecretsManagerClient client = SecretsManagerClients.of(
                config.region(),
                config.secretsEndpoint(),
                DefaultCredentialsProvider.builder().build());
        return of(
                config,
                new SecretsManagerStore(client),
                new RdsMasterEndpointResolver(client, RdsClients.standard(), config.region()));
    }

    /**
     * With the store and the master endpoint resolver given (tests). When the product's database is
     * configured, each step is recorded in {@code rotation_runs} (the pool connects on first use).
     */
    static RotationService of(RotationConfig config, SecretStore store, MasterEndpointResolver masterEndpoints) {
        RotationService service =
                new RotationService(store, config.settings(), masterEndpoints).withMetrics(new EmfMetricsPublisher());
        if (config.runsDb() == null) {
            return service;
        }
        AwsDatabase db = AwsDatabase.open(
                config.runsDb(),
                Clock.systemUTC(),
                DefaultCredentialsProvider.builder().build());
        return service.withRunStore(new RotationRunStore(db.connections(), Clock.systemUTC(), "aws", null));
    }
}
