package dev.dbre.azure.ingest;

import dev.dbre.config.Env;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Runtimes configured exactly as in Azure, through the app settings (env), for the tests. */
public final class TestRuntimes {
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:30Z"), ZoneOffset.UTC);

    private TestRuntimes() {}

    public static AzureIngestRuntime forDatabase(TestDatabase db) {
        return AzureIngestRuntime.fromEnv(new Env(settings(db.server().port(), db.name())), CLOCK);
    }

    /** A runtime whose database port has nothing listening: every connection attempt fails. */
    public static AzureIngestRuntime forDatabaseDown() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return AzureIngestRuntime.fromEnv(new Env(settings(port, "postgres")), CLOCK);
    }

    public static Map<String, String> settings(int port, String database) {
        return Map.of(
                "DBRE_DB_HOST", "127.0.0.1",
                "DBRE_DB_PORT", Integer.toString(port),
                "DBRE_DB_NAME", database,
                "DBRE_DB_USER", "postgres",
                "DBRE_DB_AUTH", "none",
                "DBRE_DB_SSLMODE", "disable",
                // these tests count raw points; the functions' default is aggregates only
                "DBRE_INGEST_RAW", "on");
    }
}
