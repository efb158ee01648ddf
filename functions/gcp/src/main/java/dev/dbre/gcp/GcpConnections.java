package dev.dbre.gcp;

import dev.dbre.config.ConfigException;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;

/** The database login for the Google Cloud functions, chosen by {@code DBRE_DB_AUTH}. */
final class GcpConnections {
    private GcpConnections() {}

    /**
     * @throws ConfigException naming {@code DBRE_DB_AUTH} when it is {@code iam} or {@code secret}:
     *     neither is built yet on Google Cloud
     */
    static ConnectionFactory of(DbSettings settings) {
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null);
            case IAM ->
                throw new ConfigException(
                        DbSettings.AUTH,
                        "iam is not supported on Google Cloud yet: Cloud SQL IAM database login through the Cloud SQL"
                                + " socket factory comes with a later issue; until then only none works here");
            case SECRET ->
                throw new ConfigException(
                        DbSettings.AUTH,
                        "secret is not supported yet: reading the password from Secret Manager comes with the"
                                + " rotation issue");
        };
    }
}
