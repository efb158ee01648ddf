package dev.dbre.aws.rotation;

import dev.dbre.aws.backup.RdsClients;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.MasterEndpoint;
import dev.dbre.rotation.MasterEndpointResolver;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The endpoint of an RDS-managed master secret (which holds only username and password), as AWS's
 * alternating-users template finds it: the secret's tag {@value #INSTANCE_TAG} → DescribeDBInstances
 * (Endpoint; the read replicas' endpoints as replicas), or {@value #CLUSTER_TAG} →
 * DescribeDBClusters (Endpoint and Port; the reader endpoint as a replica, AWS's #156).
 */
public final class RdsMasterEndpointResolver implements MasterEndpointResolver {
    static final String INSTANCE_TAG = "aws:rds:primarydbinstancearn";
    static final String CLUSTER_TAG = "aws:rds:primarydbclusterarn";

    private final SecretsManagerClient secrets;
    private final RdsClients rds;
    private final String homeRegion;

    /** @param homeRegion the Region of replica identifiers that are not ARNs (the function's own) */
    public RdsMasterEndpointResolver(SecretsManagerClient secrets, RdsClients rds, String homeRegion) {
        this.secrets = secrets;
        this.rds = rds;
        this.homeRegion = homeRegion;
    }

    /**
     * @return empty when the secret has neither tag (not RDS-managed)
     * @throws SecretStoreException when a call fails (retryable on throttling, 5xx and network
     *     faults) or the tagged instance or cluster does not exist (not retryable)
     */
    @Override
    public Optional<MasterEndpoint> resolve(String masterSecretId) {
        List<Tag> tags = call(
                        "Secrets Manager DescribeSecret on '" + masterSecretId + "'",
                        () -> secrets.describeSecret(b -> b.secretId(masterSecretId)))
                .tags();
        Map<String, String> byKey = new HashMap<>();
        tags.forEach(t -> byKey.put(t.key(), t.value()));
        String instanceArn = byKey.get(INSTANCE_TAG);
        if (instanceArn != null) {
            return Optional.of(instance(instanceArn));
        }
        String clusterArn = byKey.get(CLUSTER_TAG);
        if (clusterArn != null) {
            return Optional.of(cluster(clusterArn));
        }
        return Optional.empty();
    }

    private MasterEndpoint instance(String arn) {
        DBInstance db = describeInstance(arn)
                .orElseThrow(() -> new SecretStoreException(
                        "the DB instance " + arn + " named by the secret's tag " + INSTANCE_TAG + " does not exist",
                        false,
                        null));
        if (db.endpoint() == null) {
            throw new SecretStoreException(
                    "the DB instance " + arn + " has no endpoint yet (status " + db.dbInstanceStatus() + ")",
                    true,
                    null);
        }
        Set<String> replicas = new LinkedHashSet<>();
        for (String replicaId : db.readReplicaDBInstanceIdentifiers()) {
            describeInstance(replicaId)
                    .filter(r -> r.endpoint() != null)
                    .ifPresent(r -> replicas.add(r.endpoint().address()));
        }
        return new MasterEndpoint(db.endpoint().address(), db.endpoint().port(), replicas, "DB instance " + arn);
    }

    private MasterEndpoint cluster(String arn) {
        DBCluster c;
        try {
            c = call(
                            "RDS DescribeDBClusters of " + arn,
                            () -> rds.in(region(arn)).describeDBClusters(b -> b.dbClusterIdentifier(arn)))
                    .dbClusters()
                    .stream()
                    .findFirst()
                    .orElse(null);
        } catch (SecretStoreException e) {
            if (hasCode(e, "DBClusterNotFoundFault")) {
                c = null;
            } else {
                throw e;
            }
        }
        if (c == null) {
            throw new SecretStoreException(
                    "the DB cluster " + arn + " named by the secret's tag " + CLUSTER_TAG + " does not exist",
                    false,
                    null);
        }
        Set<String> replicas = c.readerEndpoint() == null ? Set.of() : Set.of(c.readerEndpoint());
        return new MasterEndpoint(c.endpoint(), c.port(), replicas, "DB cluster " + arn);
    }

    /** An instance by ARN or identifier; empty if it does not exist. */
    private Optional<DBInstance> describeInstance(String idOrArn) {
        try {
            return call(
                            "RDS DescribeDBInstances of " + idOrArn,
                            () -> rds.in(region(idOrArn)).describeDBInstances(b -> b.dbInstanceIdentifier(idOrArn)))
                    .dbInstances()
                    .stream()
                    .findFirst();
        } catch (SecretStoreException e) {
            if (hasCode(e, "DBInstanceNotFound")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The Region of an ARN ({@code arn:aws:rds:<region>:...}), or the home Region for a bare id. */
    private String region(String idOrArn) {
        String[] parts = idOrArn.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && !parts[3].isEmpty() ? parts[3] : homeRegion;
    }

    private static boolean hasCode(SecretStoreException e, String code) {
        return e.getCause() instanceof AwsServiceException s
                && s.awsErrorDetails() != null
                && code.equals(s.awsErrorDetails().errorCode());
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new SecretStoreException(
                    what + " failed: " + SecretsManagerStore.describe(e), SecretsManagerStore.retryable(e), e);
        }
    }
}
