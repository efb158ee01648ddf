package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class HandlerConfigurationTest {
    @Test
    void noArgConstructors_withoutDatabaseSettings_failNamingTheVariable() {
        assumeTrue(System.getenv("DBRE_DB_HOST") == null, "the test JVM must not have DBRE_DB_HOST set");

        assertThatThrownBy(KinesisIngestHandler::new)
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_HOST"));
        assertThatThrownBy(HttpIngestHandler::new)
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_HOST"));
    }

    @Test
    void badParserLimit_failsNamingTheVariable() {
        Env env = new Env(Map.of(
                "DBRE_DB_HOST", "db.internal",
                "DBRE_DB_USER", "dbre_ingest",
                "AWS_REGION", "us-east-2",
                // Otherwise the missing RDS CA bundle is the first error (it is checked first).
                "DBRE_DB_SSLMODE", "require",
                "DBRE_INGEST_MAX_TAGS", "-1"));

        assertThatThrownBy(() -> IngestWiring.of(
                        IngestConfig.fromEnv(env),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_INGEST_MAX_TAGS"));
    }
}
