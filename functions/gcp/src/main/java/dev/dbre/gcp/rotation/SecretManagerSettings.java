package dev.dbre.gcp.rotation;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.time.Duration;

/**
 * How a function reaches Secret Manager, read once at start.
 *
 * @param endpoint a regional or private endpoint ({@value SecretManagerClients#ENDPOINT}), or null
 *     for the global one
 * @param grace how long an unlabelled version stays enabled before a later rotation disables it
 *     ({@value SecretManagerClients#GRACE_HOURS})
 */
public record SecretManagerSettings(String endpoint, Duration grace) {
    /** @throws ConfigException naming {@value SecretManagerClients#GRACE_HOURS} when it is not a whole number in 0..8760 */
    public static SecretManagerSettings fromEnv(Env env) {
        return new SecretManagerSettings(env.optional(SecretManagerClients.ENDPOINT), SecretManagerClients.grace(env));
    }
}
