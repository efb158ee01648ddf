package dev.dbre.gcp.rotation;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.TlsRoots;
import dev.dbre.gcp.db.CloudSqlConnector;
import dev.dbre.gcp.db.GcpDatabaseConfig;
import dev.dbre.rotation.RotationSettings;

/**
 * The configuration of the Secret Manager rotation function, read once at start.
 *
 * @param rotation the rotation's settings, with the server CA to verify the database with
 * @param secretManager where the secrets are
 * @param runsDb the product's database, where each step is recorded in {@code rotation_runs} for
 *     the SLO report: read as the other functions read it when {@code DBRE_CLOUD_SQL_INSTANCE} or {@code
 *     DBRE_DB_HOST} is set; null (nothing recorded) otherwise
 */
public record RotationConfig(RotationSettings rotation, SecretManagerSettings secretManager, GcpDatabaseConfig runsDb) {
    /**
     * @throws ConfigException naming the variable that is missing or wrong (DBRE_DB_SSLROOTCERT is
     *     required: Cloud SQL's server CAs are per instance, in no public trust store)
     */
    public static RotationConfig fromEnv(Env env) {
        RotationSettings settings = RotationSettings.fromEnv(env);
        boolean database = env.optional(CloudSqlConnector.INSTANCE) != null || env.optional(DbSettings.HOST) != null;
        return new RotationConfig(
                settings.withSslRootCert(TlsRoots.forSecrets(env, null)),
                SecretManagerSettings.fromEnv(env),
                database ? GcpDatabaseConfig.fromEnv(env) : null);
    }
}
