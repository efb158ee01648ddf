package dev.dbre.aws.rotation;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.aws.backup.FakeRds;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.MasterEndpoint;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint of an RDS-managed master secret, through the real SDK v2 clients over HTTP on
 * 127.0.0.1: DescribeSecret's tags from the Secrets Manager fake, DescribeDBInstances and
 * DescribeDBClusters from the RDS XML fixtures.
 */
class RdsMasterEndpointResolverTest {
    private static final String MASTER = "rds!db-0a1b2c3d";
    private static final String INSTANCE_ARN = "arn:aws:rds:us-east-1:123456789012:db:orders";
    private static final String CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:billing";

    private FakeSecretsManager secrets;
    private FakeRds rds;
    private RdsMasterEndpointResolver resolver;

    @BeforeEach
    void setUp() throws Exception {
        secrets = new FakeSecretsManager();
        secrets.create(MASTER, "{\"username\":\"postgres\",\"password\":\"not-read-here\"}", false);
        rds = new FakeRds();
        resolver = new RdsMasterEndpointResolver(secrets.client(), rds.clients, "us-east-1");
    }

    @AfterEach
    void tearDown() {
        secrets.close();
        rds.close();
    }

    @Test
    void instanceTag_givesThePrimaryEndpoint_andItsReadReplicasThatHaveOne() {
        secrets.secret(MASTER).tags.put("aws:rds:primarydbinstancearn", INSTANCE_ARN);
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", INSTANCE_ARN),
                ok("describe-db-instance-orders-with-replicas"));
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-replica"),
                ok("describe-db-instance-orders-replica"));
        String creating = "arn:aws:rds:eu-west-1:123456789012:db:orders-replica-creating";
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", creating),
                ok("describe-db-instance-orders-replica-creating"));

        Optional<MasterEndpoint> endpoint = resolver.resolve(MASTER);

        assertThat(endpoint).isPresent();
        MasterEndpoint e = endpoint.get();
        assertThat(e.host()).isEqualTo("orders.abcdefghijkl.us-east-1.rds.amazonaws.com");
        assertThat(e.port()).isEqualTo(5433);
        assertThat(e.replicaHosts()).containsExactly("orders-replica.abcdefghijkl.us-east-1.rds.amazonaws.com");
        assertThat(e.source()).contains(INSTANCE_ARN);
        assertThat(e.serves("ORDERS-REPLICA.abcdefghijkl.us-east-1.rds.amazonaws.com"))
                .isTrue();
        assertThat(e.serves("other.abcdefghijkl.us-east-1.rds.amazonaws.com")).isFalse();
        // A replica named by ARN is asked in its own Region.
        assertThat(rds.sent("DescribeDBInstances").stream()
                        .filter(r -> creating.equals(r.form().get("DBInstanceIdentifier")))
                        .map(FakeRds::region))
                .containsExactly("eu-west-1");
    }

    @Test
    void clusterTag_givesTheClusterEndpoint_andItsReaderEndpoint() {
        secrets.secret(MASTER).tags.put("aws:rds:primarydbclusterarn", CLUSTER_ARN);
        rds.http.always(action("DescribeDBClusters", "DBClusterIdentifier", CLUSTER_ARN), ok("describe-db-clusters"));

        MasterEndpoint e = resolver.resolve(MASTER).orElseThrow();

        assertThat(e.host()).isEqualTo("billing.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com");
        assertThat(e.port()).isEqualTo(5432);
        assertThat(e.replicaHosts()).isEqualTo(Set.of("billing.cluster-ro-abcdefghijkl.us-east-1.rds.amazonaws.com"));
        assertThat(rds.sent("DescribeDBInstances")).isEmpty();
    }

    @Test
    void secretWithoutRdsTags_isNotManaged_andRdsIsNotAsked() {
        secrets.secret(MASTER).tags.put("team", "payments");

        assertThat(resolver.resolve(MASTER)).isEmpty();
        assertThat(rds.http.requests()).isEmpty();
    }

    @Test
    void taggedInstanceGone_isRefused_notRetryable_namingTheArn() {
        secrets.secret(MASTER).tags.put("aws:rds:primarydbinstancearn", INSTANCE_ARN);
        rds.http.always(action("DescribeDBInstances"), error(404, "error-db-instance-not-found"));

        assertThatThrownBy(() -> resolver.resolve(MASTER)).isInstanceOfSatisfying(SecretStoreException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains(INSTANCE_ARN, "does not exist");
        });
    }

    @Test
    void rdsThrottling_isRetryable() {
        secrets.secret(MASTER).tags.put("aws:rds:primarydbclusterarn", CLUSTER_ARN);
        rds.http.always(action("DescribeDBClusters"), error(400, "error-throttling"));

        assertThatThrownBy(() -> resolver.resolve(MASTER)).isInstanceOfSatisfying(SecretStoreException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("DescribeDBClusters", CLUSTER_ARN);
        });
    }
}
