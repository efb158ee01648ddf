package dev.dbre.gcp.rotation;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.TlsRoots;
import dev.dbre.rotation.RotationSettings;

/**
 * The configuration of the Secret Manager rotation function, read once at start.
 *
 * @param rotation the rotation's settings, with the server CA to verify the database with
 * @param secretManager where the secrets are
 */
public record RotationConfig(RotationSettings rotation, SecretManagerSettings secretManager) {
    /**
     * @throws ConfigException naming the variable that is missing or wrong (DBRE_DB_SSLROOTCERT is
     *     required: Cloud SQL's server CAs are per instance, in no public trust store)
     */
    public static RotationConfig fromEnv(Env env) {
        RotationSettings settings = RotationSettings.fromEnv(env);
        return new RotationConfig(
                settings.withSslRootCert(TlsRoots.forSecrets(env, null)), SecretManagerSettings.fromEnv(env));
    }
}
