package dev.dbre.local;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.local.rotation.LocalSecretStore;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The database login of the local runtime, by {@code DBRE_DB_AUTH}: {@code none}, or {@code
 * secret}: user and password from the local versioned store ({@value #SECRETS_DIR}, default {@code
 * $DBRE_HOME/secrets}, else {@code .dbre/secrets}: the folder {@code dbre secret} and {@code dbre rotate} use), with the same fallbacks during a rotation as
 * in the clouds. There is no cloud identity here, so {@code iam} is refused.
 */
public final class LocalConnections {
    /** The local secret store's folder. */
    public static final String SECRETS_DIR = "DBRE_LOCAL_SECRETS_DIR";

    private LocalConnections() {}

    /**
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static ConnectionFactory fromEnv(Env env) {
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), null);
        DbTimeouts timeouts = DbTimeouts.fromEnv(env);
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null, timeouts);
            case SECRET ->
                new SecretConnectionFactory(
                        settings,
                        new LocalSecretStore(
                                Path.of(env.string(
                                        SECRETS_DIR,
                                        Home.secretsDir(new Home().resolve(env)).toString())),
                                Clock.systemUTC()),
                        timeouts);
            case IAM ->
                throw new ConfigException(
                        DbSettings.AUTH, "iam needs a cloud identity; locally use secret (the local store) or none");
        };
    }
}
