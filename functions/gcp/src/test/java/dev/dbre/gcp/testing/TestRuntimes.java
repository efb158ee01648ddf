package dev.dbre.gcp.testing;

import dev.dbre.config.Env;
import dev.dbre.gcp.ingest.IngestComponents;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runtimes configured as on Google Cloud, through environment variables, for the tests. */
public final class TestRuntimes {
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:30Z"), ZoneOffset.UTC);

    private TestRuntimes() {}

    public static IngestComponents forDatabase(TestDatabase db) {
        return IngestComponents.fromEnv(new Env(settings(db.server().port(), db.name())), CLOCK);
    }

    /** A runtime whose database port has nothing listening. */
    public static IngestComponents forDatabaseDown() throws IOException {
        return IngestComponents.fromEnv(new Env(settings(freePort(), "postgres")), CLOCK);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static Map<String, String> settings(int port, String database) {
        Map<String, String> m = new HashMap<>();
        m.put("DBRE_DB_HOST", "127.0.0.1");
        m.put("DBRE_DB_PORT", Integer.toString(port));
        m.put("DBRE_DB_NAME", database);
        m.put("DBRE_DB_USER", "postgres");
        m.put("DBRE_DB_AUTH", "none");
        m.put("DBRE_DB_SSLMODE", "disable");
        // these tests count raw points; the functions' default is aggregates only
        m.put("DBRE_INGEST_RAW", "on");
        m.put("GOOGLE_CLOUD_PROJECT", "dbre-prod");
        return m;
    }
}
