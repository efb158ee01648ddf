package dev.dbre.rotation;

import java.util.Set;

/**
 * Where an administrator secret that holds only {@code username}/{@code password} (an RDS-managed
 * master secret) connects: the primary's {@code host} and {@code port}, and the other host names
 * that reach the same data ({@code replicaHosts}: read replicas' endpoints, a cluster's reader
 * endpoint). {@code source} says where it was found (e.g. the DB instance ARN), for messages.
 */
public record MasterEndpoint(String host, int port, Set<String> replicaHosts, String source) {
    public MasterEndpoint {
        replicaHosts = Set.copyOf(replicaHosts);
    }

    /** True if {@code otherHost} is this endpoint or one of its replicas (case-insensitive). */
    public boolean serves(String otherHost) {
        if (host.equalsIgnoreCase(otherHost)) {
            return true;
        }
        return replicaHosts.stream().anyMatch(h -> h.equalsIgnoreCase(otherHost));
    }
}
