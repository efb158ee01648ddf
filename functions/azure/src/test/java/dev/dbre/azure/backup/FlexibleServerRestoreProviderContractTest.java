package dev.dbre.azure.backup;

import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.RG_PATH;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.call;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.error;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.port.RestoreProvider;
import dev.dbre.restore.RestoreProviderContract;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The restore contract against FlexibleServerBackupProvider: the real Azure SDK against ARM-shaped JSON on 127.0.0.1. */
class FlexibleServerRestoreProviderContractTest extends RestoreProviderContract {
    private static final String NAME = "orders-drill";
    /** The run id the restored-server fixtures carry. */
    private static final String FIXTURE_RUN = "0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final FlexibleServerBackupProvider provider = FlexibleServerBackupProviderTest.provider(http, "gold");

    @BeforeEach
    void source() {
        http.always(call("GET", RG_PATH + "/orders"), json("server-orders"));
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
        http.always(call("GET", RG_PATH + "/" + name), error(404, "error-not-found"));
        http.always(
                call("PUT", RG_PATH + "/" + name),
                Reply.resource(201, "application/json", "flexibleserver/server-drill-starting.json"));
    }

    @Override
    protected void arrangeRestoredBy(UUID runId) {
        String body = FakeHttpServer.resource("flexibleserver/server-drill-starting.json")
                .replace(FIXTURE_RUN, runId.toString());
        http.always(call("GET", RG_PATH + "/" + NAME), Reply.of(200, "application/json", body));
        http.always(call("DELETE", RG_PATH + "/" + NAME), Reply.of(204, null, null));
    }

    @Override
    protected void arrangeForeignDatabase() {
        http.always(call("GET", RG_PATH + "/" + NAME), json("server-unmanaged"));
    }

    /** Only reads were sent: no create, update or delete. */
    @Override
    protected void assertLeftAlone() {
        assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
    }
}
