package dev.dbre.rotation;

import dev.dbre.port.SecretStoreException;
import java.util.Optional;

/**
 * Port: finds the endpoint of an administrator secret that names no host (AWS: an RDS-managed
 * master secret, found through its {@code aws:rds:primarydbinstancearn} or {@code
 * aws:rds:primarydbclusterarn} tag). Used by the alternating-users strategy only when the
 * administrator secret lacks {@code host}.
 */
public interface MasterEndpointResolver {
    /** Resolves nothing: an administrator secret without a host is refused. */
    MasterEndpointResolver NONE = masterSecretId -> Optional.empty();

    /**
     * @return the endpoint, or empty when the secret is not managed by a database service
     * @throws SecretStoreException when the store or the database service fails (retryable or not)
     */
    Optional<MasterEndpoint> resolve(String masterSecretId);
}
