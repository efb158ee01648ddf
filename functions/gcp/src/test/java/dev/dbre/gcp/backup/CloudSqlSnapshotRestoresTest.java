package dev.dbre.gcp.backup;

import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.BASE;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.call;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.error;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.json;
import static dev.dbre.testing.ProviderErrors.assertProviderErrorKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.ProviderError;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotRef;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restore of a backup run to a new instance on Cloud SQL (create the instance, then {@code
 * restoreBackup} into it) through the real Cloud SQL Admin client against JSON on 127.0.0.1.
 */
class CloudSqlSnapshotRestoresTest {
    static final UUID RUN = CloudSqlBackupProviderTest.RUN;
    static final String OPERATIONS = "/v1/projects/dbre-prod/operations";
    static final SnapshotRef GOLD = new SnapshotRef("dbre-orders-20261122-2200", "orders", "europe-west1");
    static final String REF = "restore-backup:orders/1732313600002";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeHttpServer http = FakeHttpServer.start();
    private final CloudSqlBackupProvider provider = CloudSqlBackupProviderTest.provider(http);

    @BeforeEach
    void source() {
        http.always(call("GET", BASE + "/orders"), json("instance-orders"));
        http.always(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private static RestoreTarget target() {
        return new RestoreTarget(RUN, "orders-drill", REF);
    }

    private List<Recorded> restoreCalls() {
        return http.requests(call("POST", BASE + "/orders-drill/restoreBackup"));
    }

    private void runnable() {
        http.always(
                call("GET", BASE + "/orders-drill"),
                json("instance-clone-runnable-labelled", Map.of("HOST", "10.20.0.9")));
    }

    @Test
    void snapshotsOf_listsTheSourcesBackupRunsInItsRegion() {
        List<Snapshot> list = provider.snapshotsOf("orders", null);

        assertThat(list).extracting(Snapshot::id).contains("dbre-orders-20261122-2200");
        assertThat(list).extracting(Snapshot::region).containsOnly("europe-west1");
    }

    @Test
    void start_createsAnInstanceLikeTheSource_labelledWithTheRun_andRefersToTheBackupRun() throws Exception {
        http.once(call("POST", BASE), json("operation-create"));

        String ref =
                provider.startRestoreFromSnapshot(RUN, GOLD, "orders-drill", Map.of("tags", Map.of("team", "dbre")));

        assertThat(ref).isEqualTo(REF);
        JsonNode body = JSON.readTree(http.requests(call("POST", BASE)).get(0).body());
        assertThat(body.get("name").asText()).isEqualTo("orders-drill");
        assertThat(body.get("databaseVersion").asText()).isEqualTo("POSTGRES_16");
        assertThat(body.get("region").asText()).isEqualTo("europe-west1");
        assertThat(body.at("/settings/tier").asText()).isEqualTo("db-custom-2-7680");
        assertThat(body.at("/settings/userLabels/dbre-restore-run").asText()).isEqualTo(RUN.toString());
        assertThat(body.at("/settings/userLabels/team").asText()).isEqualTo("dbre");
        assertThat(http.requests(r -> r.path().endsWith("/clone"))).isEmpty();
    }

    @Test
    void progress_restoresTheBackupRunOnceTheInstanceRuns_thenFollowsThatOperation_untilAvailable() throws Exception {
        // Created labelled with the run's id (the pending clone fixture, with the label added).
        http.once(
                call("GET", BASE + "/orders-drill"),
                json(
                        "instance-clone-pending",
                        Map.of(
                                "\"environment\": \"production\"",
                                "\"dbre-managed-by\": \"dbre\", \"dbre-restore-run\": \"" + RUN + "\"")));
        runnable();
        http.once(call("GET", OPERATIONS), json("operations-orders-drill-created"));
        http.once(call("POST", BASE + "/orders-drill/restoreBackup"), json("operation-restore-backup"));
        http.once(call("GET", OPERATIONS), json("operations-orders-drill-restore-running"));
        http.once(call("GET", OPERATIONS), json("operations-orders-drill-restore-done"));

        RestoreProgress creating = provider.progress(target());
        RestoreProgress asked = provider.progress(target());
        RestoreProgress running = provider.progress(target());
        RestoreProgress done = provider.progress(target());

        assertThat(creating.state()).isEqualTo(RestoreProgress.State.RESTORING);
        assertThat(asked.state()).isEqualTo(RestoreProgress.State.RESTORING);
        assertThat(asked.detail()).contains("restoring backup run 1732313600002 of orders");
        assertThat(running.state()).isEqualTo(RestoreProgress.State.RESTORING);
        assertThat(done.state()).isEqualTo(RestoreProgress.State.AVAILABLE);
        assertThat(done.endpointHost()).isEqualTo("10.20.0.9");
        assertThat(restoreCalls()).hasSize(1);
        JsonNode ctx = JSON.readTree(restoreCalls().get(0).body()).get("restoreBackupContext");
        assertThat(ctx.get("backupRunId").asText()).isEqualTo("1732313600002");
        assertThat(ctx.get("instanceId").asText()).isEqualTo("orders");
        assertThat(ctx.get("project").asText()).isEqualTo("dbre-prod");
        assertThat(http.requests(call("GET", OPERATIONS)).get(0).query()).contains("instance=orders-drill");
    }

    @Test
    void aFailedRestoreOperation_failsTheRunWithItsError() {
        runnable();
        http.always(call("GET", OPERATIONS), json("operations-orders-drill-restore-failed"));

        RestoreProgress p = provider.progress(target());

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(p.detail()).contains("INTERNAL_ERROR", "could not be restored");
        assertThat(restoreCalls()).isEmpty();
    }

    @Test
    void anInstanceWithTheNameNotLabelledForTheRun_isNotOurs_andNothingIsRestoredIntoIt() {
        http.always(call("GET", BASE + "/orders-drill"), json("instance-clone-runnable-unlabelled"));

        RestoreProgress p = provider.progress(target());

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(restoreCalls()).isEmpty();
        assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
    }

    @Test
    void aBackupRunNotThere_isNotFound_andNoInstanceIsCreated() {
        assertProviderErrorKind(
                        () -> provider.startRestoreFromSnapshot(
                                RUN,
                                new SnapshotRef("dbre-orders-19990101-0000", "orders", "europe-west1"),
                                "orders-drill",
                                Map.of()),
                        ProviderError.NOT_FOUND)
                .hasMessageContaining("dbre-orders-19990101-0000");
        assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
    }

    @Test
    void aNameTakenByAnInstanceOfAnotherRun_isAlreadyExists() {
        http.always(call("POST", BASE), error(409, "error-409-exists"));
        http.always(
                call("GET", BASE + "/orders-drill"),
                json(
                        "instance-clone-runnable-labelled",
                        Map.of(RUN.toString(), UUID.randomUUID().toString())));

        assertProviderErrorKind(
                () -> provider.startRestoreFromSnapshot(RUN, GOLD, "orders-drill", Map.of()),
                ProviderError.ALREADY_EXISTS);
    }
}
