package dev.dbre.aws.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dbre.db.DbAuth;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Snapshot;
import dev.dbre.restore.RestoredDbLogin;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The RDS provider against LocalStack, where a Docker engine exists. RDS is a LocalStack Pro
 * service: the test also needs {@code LOCALSTACK_AUTH_TOKEN}. Without Docker the class is disabled;
 * without the token it is skipped. It never fails for want of either.
 */
@Testcontainers(disabledWithoutDocker = true)
class RdsLocalStackTest {
    private static LocalStackContainer localstack;
    private static RdsClients clients;

    @BeforeAll
    static void start() {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        assumeTrue(token != null && !token.isBlank(), "RDS needs LocalStack Pro: set LOCALSTACK_AUTH_TOKEN");
        localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack-pro:4.9"))
                .withServices("rds")
                .withEnv("LOCALSTACK_AUTH_TOKEN", token);
        localstack.start();
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        clients = new RdsClients(region -> RdsClient.builder()
                .region(Region.of(region))
                .endpointOverride(localstack.getEndpoint())
                .credentialsProvider(creds)
                .httpClient(UrlConnectionHttpClient.create())
                .build());
        clients.in(localstack.getRegion())
                .createDBInstance(b -> b.dbInstanceIdentifier("orders")
                        .engine("postgres")
                        .dbInstanceClass("db.t3.micro")
                        .allocatedStorage(20)
                        .masterUsername("postgres")
                        .masterUserPassword("localstack-only-1")
                        .backupRetentionPeriod(7));
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.close();
        }
        if (localstack != null) {
            localstack.stop();
        }
    }

    @Test
    void snapshotLifecycle_createListDelete() {
        String region = localstack.getRegion();
        RdsBackupProvider provider = new RdsBackupProvider(
                clients,
                region,
                Clock.systemUTC(),
                new RestoredDbLogin("postgres", DbAuth.NONE, "disable", null),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
        DatabaseRef orders = provider.listDatabases(region).stream()
                .filter(d -> d.id().equals("orders"))
                .findFirst()
                .orElseThrow();
        Map<String, String> tags = Map.of("dbre:managed-by", "dbre", "dbre:policy", "ls");

        Snapshot created = provider.createSnapshot(orders, "dbre-orders-20261123-2300", tags);
        Snapshot again = provider.createSnapshot(orders, "dbre-orders-20261123-2300", tags);
        List<Snapshot> listed = provider.listSnapshots("orders", region);
        provider.deleteSnapshot(created);
        provider.deleteSnapshot(created);

        assertThat(again.id()).isEqualTo(created.id());
        assertThat(listed).anySatisfy(s -> assertThat(s.managedBy("ls")).isTrue());
        assertThat(provider.listSnapshots("orders", region)).noneMatch(s -> s.id().equals(created.id()));
    }
}
