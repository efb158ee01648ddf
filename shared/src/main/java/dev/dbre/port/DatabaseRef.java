package dev.dbre.port;

import java.util.Map;

/**
 * A database a backup policy may select: an RDS instance or Aurora cluster, a Flexible Server, a
 * Cloud SQL instance, or the local embedded server.
 *
 * @param id the provider's identifier (instance id, cluster id, server name)
 * @param kind e.g. "rds-instance", "aurora-cluster", "flexible-server", "cloud-sql", "local"
 * @param region where it lives ("local" for the local provider)
 * @param tags the provider's tags or labels (policy selection reads {@code dbre:backup-policy})
 * @param production true when tagged as production (restores from it need a confirmation)
 */
public record DatabaseRef(String id, String kind, String region, Map<String, String> tags, boolean production) {
    public DatabaseRef {
        tags = Map.copyOf(tags);
    }
}
