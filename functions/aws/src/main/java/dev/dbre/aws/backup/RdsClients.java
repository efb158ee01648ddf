package dev.dbre.aws.backup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * One RDS client per Region, built on first use and kept (a client holds its HTTP connections):
 * the home Region for the databases and their snapshots, the copy Region for cross-Region copies.
 */
public final class RdsClients implements AutoCloseable {
    private final Function<String, RdsClient> factory;
    private final Map<String, RdsClient> clients = new ConcurrentHashMap<>();

    /** @param factory builds the client of one Region (tests point it at a local endpoint) */
    public RdsClients(Function<String, RdsClient> factory) {
        this.factory = factory;
    }

    /** Clients with the default credentials chain and the JDK's HTTP client (no Netty, no Apache). */
    public static RdsClients standard() {
        return new RdsClients(region -> RdsClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
    }

    /** The client of {@code region}. */
    public RdsClient in(String region) {
        return clients.computeIfAbsent(region, factory);
    }

    @Override
    public void close() {
        clients.values().forEach(RdsClient::close);
        clients.clear();
    }
}
