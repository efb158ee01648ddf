package dev.dbre.gcp.backup;

import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.BASE;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.call;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.error;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.json;

import dev.dbre.backup.SnapshotProviderContract;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.testing.FakeHttpServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The snapshot contract against CloudSqlBackupProvider: the real Cloud SQL Admin client against
 * Cloud SQL Admin API v1 JSON on 127.0.0.1.
 */
class CloudSqlSnapshotProviderContractTest extends SnapshotProviderContract {
    private final FakeHttpServer http = FakeHttpServer.start();
    private final CloudSqlBackupProvider provider = CloudSqlBackupProviderTest.provider(http);

    /** The project as the fixtures describe it: orders, labelled gold, with a backup run of ours and others. */
    @BeforeEach
    void world() {
        String runs = BASE + "/orders/backupRuns";
        http.always(call("GET", BASE), json("instances-list"));
        // The runs as listed before the contract's insert, and after it.
        http.always(
                call("GET", runs),
                r -> http.requests(call("POST", runs)).isEmpty()
                        ? json("backup-runs-orders")
                        : json("backup-runs-orders-after-insert", Map.of("\"LOCATION\"", "null")));
        http.always(call("POST", runs), json("operation-backup"));
        http.always(call("DELETE", runs + "/1732313600002"), json("operation-delete-backup"));
        String unknown = BASE + "/" + unknownDatabaseId() + "/backupRuns";
        http.always(call("GET", unknown), error(404, "error-404-instance"));
        http.always(call("POST", unknown), error(404, "error-404-instance"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Override
    protected SnapshotProvider provider() {
        return provider;
    }

    @Override
    protected DatabaseRef database() {
        return new DatabaseRef(
                "orders",
                "cloud-sql",
                "europe-west1",
                Map.of(SELECTION_TAG, POLICY, "environment", "production"),
                true);
    }

    @Override
    protected String ourSnapshot() {
        return "dbre-orders-20261122-2200";
    }

    @Override
    protected String othersSnapshot() {
        return "backup-run-1732000000009";
    }

    @Override
    protected String newSnapshotName() {
        return "dbre-orders-20261123-2300";
    }

    @Override
    protected String goneSnapshotName() {
        return "dbre-orders-20261001-0000";
    }

    @Override
    protected String unknownDatabaseId() {
        return "not-there";
    }

    @Override
    protected boolean arrangeThrottledListing() {
        http.once(call("GET", BASE), error(429, "error-429-rate"));
        return true;
    }

    @Override
    protected boolean arrangeSnapshotQuota() {
        http.once(call("POST", BASE + "/orders/backupRuns"), error(403, "error-403-quota"));
        return true;
    }
}
