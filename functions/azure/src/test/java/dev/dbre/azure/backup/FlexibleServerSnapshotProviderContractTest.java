package dev.dbre.azure.backup;

import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.RG_PATH;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.call;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.error;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.json;

import dev.dbre.backup.SnapshotProviderContract;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The snapshot contract against FlexibleServerBackupProvider: the real Azure SDK and backups REST
 * calls against ARM-shaped JSON on 127.0.0.1.
 */
class FlexibleServerSnapshotProviderContractTest extends SnapshotProviderContract {
    private static final String OURS = "dbre-orders-20261122-2200";
    private static final String NEW = "dbre-orders-20261123-2300";
    private static final String GONE = "dbre-orders-20261001-0000";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final FlexibleServerBackupProvider provider = FlexibleServerBackupProviderTest.provider(http, POLICY);

    /** The resource group as the fixtures describe it: orders, tagged gold, with a backup of ours and others. */
    @BeforeEach
    void world() {
        String backups = RG_PATH + "/orders/backups";
        http.always(call("GET", RG_PATH), json("servers-list"));
        http.always(call("GET", backups), json("backups-orders"));
        http.always(call("GET", backups + "/" + OURS + "-gold"), json("backup-existing"));
        http.always(call("GET", backups + "/" + NEW + "-gold"), error(404, "error-not-found"));
        http.always(
                call("PUT", backups + "/" + NEW + "-gold"),
                Reply.of(202, null, null).withHeader("Azure-AsyncOperation", "http://127.0.0.1/op"));
        http.always(call("DELETE", backups + "/" + OURS + "-gold"), Reply.of(202, null, null));
        http.always(call("DELETE", backups + "/" + GONE + "-gold"), error(404, "error-not-found"));
        String unknown = RG_PATH + "/" + unknownDatabaseId() + "/backups/" + NEW + "-gold";
        http.always(call("GET", unknown), error(404, "error-not-found"));
        http.always(call("PUT", unknown), error(404, "error-not-found"));
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
                FlexibleServerBackupProvider.KIND,
                "westeurope",
                Map.of(SELECTION_TAG, POLICY, "environment", "production"),
                true);
    }

    @Override
    protected String ourSnapshot() {
        return OURS;
    }

    @Override
    protected String othersSnapshot() {
        return "before-upgrade";
    }

    @Override
    protected String newSnapshotName() {
        return NEW;
    }

    @Override
    protected String goneSnapshotName() {
        return GONE;
    }

    @Override
    protected String unknownDatabaseId() {
        return "not-there";
    }

    @Override
    protected boolean arrangeThrottledListing() {
        http.once(call("GET", RG_PATH), error(429, "error-throttled"));
        return true;
    }

    @Override
    protected boolean arrangeSnapshotQuota() {
        http.once(call("PUT", RG_PATH + "/orders/backups/" + NEW + "-gold"), error(400, "error-quota"));
        return true;
    }
}
