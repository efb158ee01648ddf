package dev.dbre.gcp.backup;

import dev.dbre.config.ConfigException;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.RestoredDbLogin;
import java.util.function.Supplier;

/**
 * How verification queries reach a restored Cloud SQL instance (a clone): through the Cloud SQL
 * connector to its connection name, or straight to its IP address ({@link #direct}).
 */
@FunctionalInterface
public interface CloneLogin {
    /**
     * Connections to {@code database} on the clone {@code newName}.
     *
     * @param connectionName the clone's instance connection name {@code project:region:instance}
     * @param progress the clone's state; its host and port when AVAILABLE
     * @throws ProviderException BUSY (retryable, code NotAvailable) while {@code progress} is not AVAILABLE
     * @throws ConfigException naming DBRE_RESTORE_DB_AUTH when this login cannot be used
     */
    ConnectionFactory connect(String newName, String connectionName, RestoreProgress progress, String database);

    /**
     * Straight to the clone's IP address over PgJDBC's TLS with {@code login} ({@code none}, or
     * {@code secret} with the password from {@code secrets}).
     *
     * @param secrets the secret store, asked on the first secret login only; may be null without one
     */
    static CloneLogin direct(RestoredDbLogin login, Supplier<? extends SecretStore> secrets) {
        return (newName, connectionName, progress, database) ->
                login.connect(newName, progress, database, null, secrets == null ? null : secrets::get);
    }
}
