package dev.dbre.aws.rotation;

import dev.dbre.aws.config.AwsEndpoints;
import dev.dbre.aws.db.AwsDbConfig;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.TlsRoots;
import dev.dbre.rotation.RotationSettings;
import java.net.URI;

/**
 * The rotation function's configuration, read once at cold start and validated: the strategy and
 * password policy under AWS's template names, with the CA bundle that verifies the secret's
 * database ({@code DBRE_DB_SSLROOTCERT}, required: no public trust store holds the RDS roots), the
 * Region and an optional Secrets Manager endpoint.
 *
 * @param settings the strategy, password policy, root certificates and login timeouts
 * @param region {@code AWS_REGION}
 * @param secretsEndpoint {@code DBRE_SECRETS_ENDPOINT}, or null for the SDK's
 * @param runsDb the product's database, where each step is recorded in {@code rotation_runs} (for
 *     the SLO report): read when {@code DBRE_DB_HOST} is set, like the other functions' database;
 *     null (nothing recorded) when it is not
 */
record RotationConfig(RotationSettings settings, String region, URI secretsEndpoint, AwsDbConfig runsDb) {
    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    static RotationConfig fromEnv(Env env) {
        RotationSettings settings = RotationSettings.fromEnv(env);
        String root = TlsRoots.forSecrets(env, null);
        return new RotationConfig(
                settings.withSslRootCert(root),
                env.required(SecretsManagerClients.AWS_REGION),
                AwsEndpoints.optional(env, SecretsManagerClients.ENDPOINT),
                env.optional(DbSettings.HOST) == null ? null : AwsDbConfig.fromEnv(env));
    }
}
