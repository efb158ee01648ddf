package dev.dbre.gcp.backup;

import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.BASE;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.call;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.error;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.RestoreProvider;
import dev.dbre.port.SnapshotRef;
import dev.dbre.restore.RestoreProviderContract;
import dev.dbre.testing.FakeHttpServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The restore contract against CloudSqlBackupProvider: the real Cloud SQL Admin client against JSON on 127.0.0.1. */
class CloudSqlRestoreProviderContractTest extends RestoreProviderContract {
    private static final String NAME = "orders-drill";
    /** The run id the labelled clone fixture carries. */
    private static final String FIXTURE_RUN = "0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final CloudSqlBackupProvider provider = CloudSqlBackupProviderTest.provider(http);

    @BeforeEach
    void source() {
        http.always(call("GET", BASE + "/orders"), json("instance-orders"));
        http.always(call("GET", BASE + "/orders/getLatestRecoveryTime"), json("latest-recovery-time"));
        http.always(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));
    }

    @Override
    protected SnapshotRef snapshot() {
        return new SnapshotRef("dbre-orders-20261122-2200", "orders", "europe-west1");
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Override
    protected RestoreProvider provider() {
        return provider;
    }

    @Override
    protected String sourceId() {
        return "orders";
    }

    @Override
    protected String restoreName() {
        return NAME;
    }

    @Override
    protected void arrangeNothingNamed(String name) {
        http.always(call("GET", BASE + "/" + name), error(404, "error-404-instance"));
        http.always(call("POST", BASE + "/orders/clone"), json("operation-clone"));
        http.always(call("POST", BASE), json("operation-create"));
    }

    @Override
    protected void arrangeRestoredBy(UUID runId) {
        http.always(
                call("GET", BASE + "/" + NAME),
                json("instance-clone-runnable-labelled", Map.of(FIXTURE_RUN, runId.toString())));
        http.always(call("POST", BASE + "/orders/clone"), error(409, "error-409-exists"));
        http.always(call("DELETE", BASE + "/" + NAME), json("operation-delete"));
    }

    @Override
    protected void arrangeForeignDatabase() {
        http.always(call("GET", BASE + "/" + NAME), json("instance-clone-runnable-unlabelled"));
        http.always(call("POST", BASE + "/orders/clone"), error(409, "error-409-exists"));
        http.always(call("POST", BASE), error(409, "error-409-exists"));
    }

    /** Only reads and the (refused) clone or create were sent: nothing labelled, patched or deleted. */
    @Override
    protected void assertLeftAlone() {
        assertThat(http.requests(r -> !r.method().equals("GET")
                        && !r.path().equals(BASE + "/orders/clone")
                        && !(r.method().equals("POST") && r.path().equals(BASE))))
                .isEmpty();
    }
}
