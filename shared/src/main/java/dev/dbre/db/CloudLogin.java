package dev.dbre.db;

import dev.dbre.config.ConfigException;
import dev.dbre.port.SecretStore;
import java.util.function.Supplier;

/**
 * What a cloud lends the one connection factory: how it signs an IAM login and where its secrets
 * live. {@link DatabaseConnections#pooled} holds the only none/iam/secret switch of the product;
 * a cloud differs only in these two answers, each asked for only when {@code DBRE_DB_AUTH} picks
 * it (so a function logging in with a secret never builds an identity client, and the reverse).
 */
public interface CloudLogin {

    /**
     * The password source for {@code DBRE_DB_AUTH=iam}: a short-lived token, asked again for each
     * new physical connection.
     *
     * @throws ConfigException when this cloud cannot log in with IAM here, naming what to set
     */
    Supplier<String> iamTokens(DbSettings settings);

    /**
     * The store holding {@code DBRE_DB_SECRET_ID} for {@code DBRE_DB_AUTH=secret}.
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    SecretStore secrets();

    /** A login with no IAM here: {@code iam} is refused at start with {@code why}. */
    static CloudLogin secretsOnly(Supplier<SecretStore> secrets, String why) {
        return new CloudLogin() {
            @Override
            public Supplier<String> iamTokens(DbSettings settings) {
                throw new ConfigException(DbSettings.AUTH, why);
            }

            @Override
            public SecretStore secrets() {
                return secrets.get();
            }
        };
    }
}
