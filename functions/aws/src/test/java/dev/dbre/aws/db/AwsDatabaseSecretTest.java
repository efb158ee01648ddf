package dev.dbre.aws.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.aws.rotation.FakeSecretsManager;
import dev.dbre.config.Env;
import dev.dbre.testing.TlsPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DBRE_DB_AUTH=secret end to end on AWS's side: the password comes through the real SDK from the
 * Secrets Manager fake on 127.0.0.1 and logs in, over verify-full TLS, to an embedded PostgreSQL
 * that checks it.
 */
class AwsDatabaseSecretTest {
    @Test
    void secretAuth_logsInOverVerifiedTlsWithThePasswordFromSecretsManager() throws Exception {
        String role = TlsPostgres.newRole("from-secrets-manager");
        try (FakeSecretsManager fake = new FakeSecretsManager();
                AwsDatabase db = AwsDatabase.fromEnv(
                        new Env(Map.of(
                                "DBRE_DB_HOST", "127.0.0.1",
                                "DBRE_DB_PORT",
                                        Integer.toString(TlsPostgres.server().port()),
                                "DBRE_DB_AUTH", "secret",
                                "DBRE_DB_SECRET_ID", "prod/app-db",
                                "DBRE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString(),
                                "AWS_REGION", "us-east-1",
                                "DBRE_SECRETS_ENDPOINT", fake.endpoint().toString())),
                        Clock.systemUTC(),
                        RdsIamTokenCacheTest.CREDENTIALS)) {
            fake.create(
                    "prod/app-db",
                    "{\"engine\":\"postgres\",\"username\":\"" + role + "\",\"password\":\"from-secrets-manager\"}",
                    true);

            try (Connection c = db.connections().open();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(role);
            }
            assertThat(db.tokens()).isNull();
        }
    }
}
