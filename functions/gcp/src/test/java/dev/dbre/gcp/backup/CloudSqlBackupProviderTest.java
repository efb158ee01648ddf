package dev.dbre.gcp.backup;

import static dev.dbre.testing.ProviderErrors.assertProviderError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.db.DbAuth;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CloudSqlBackupProvider through the real Cloud SQL Admin client against Cloud SQL Admin API v1
 * JSON on 127.0.0.1 (fixtures in src/test/resources/cloudsql/).
 */
class CloudSqlBackupProviderTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T23:00:05Z"), ZoneOffset.UTC);
    static final String BASE = "/v1/projects/dbre-prod/instances";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DatabaseRef ORDERS = new DatabaseRef("orders", "cloud-sql", "europe-west1", Map.of(), true);

    /** The run whose id the labelled clone fixture carries. */
    static final UUID RUN = UUID.fromString("0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10");
    /** The name of the clone operation in operation-clone.json. */
    static final String CLONE_OP = "a1b2c3d4-e5f6-4a7b-8c9d-000000000001";

    static final String OPERATIONS = "/v1/projects/dbre-prod/operations/";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final CloudSqlBackupProvider provider = provider(http);

    static RestoreTarget target(UUID run, String startRef) {
        return new RestoreTarget(run, "orders-drill", startRef);
    }

    static CloudSqlBackupProvider provider(FakeHttpServer http) {
        return new CloudSqlBackupProvider(
                CloudSqlAdmin.create(
                        http.uri() + "/", r -> r.getHeaders().setAuthorization("Bearer test-token-not-a-secret")),
                "dbre-prod",
                CLOCK,
                CloneLogin.direct(new RestoredDbLogin("verifier", DbAuth.NONE, "require", null), null));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    static Predicate<Recorded> call(String method, String path) {
        // PATCH travels as POST with X-HTTP-Method-Override over the JDK's HttpURLConnection.
        return r -> path.equals(r.path())
                && (method.equals(r.method()) || method.equals(r.header("x-http-method-override")));
    }

    static Reply json(String fixture) {
        return Reply.resource(200, "application/json", "cloudsql/" + fixture + ".json");
    }

    static Reply json(String fixture, Map<String, String> replace) {
        String body = FakeHttpServer.resource("cloudsql/" + fixture + ".json");
        for (var e : replace.entrySet()) {
            body = body.replace(e.getKey(), e.getValue());
        }
        return Reply.of(200, "application/json", body);
    }

    static Reply error(int status, String fixture) {
        return Reply.resource(status, "application/json", "cloudsql/" + fixture + ".json");
    }

    private List<Recorded> sent(String method, String path) {
        return http.requests(call(method, path));
    }

    @Test
    void listDatabases_keepsPostgresPrimariesOfTheRegion_labelsReadAsTags() {
        http.always(call("GET", BASE), json("instances-list"));

        List<DatabaseRef> dbs = provider.listDatabases("europe-west1");

        assertThat(dbs).extracting(DatabaseRef::id).containsExactly("orders");
        assertThat(dbs.get(0).tags()).containsEntry("dbre:backup-policy", "gold");
        assertThat(dbs.get(0).production()).isTrue();
        assertThat(dbs.get(0).kind()).isEqualTo("cloud-sql");
        assertThat(http.requests().get(0).header("authorization")).isEqualTo("Bearer test-token-not-a-secret");
    }

    @Test
    void listSnapshots_ourNamesAndTagsComeFromTheDescription_othersAreNeverManaged() {
        http.always(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));

        List<Snapshot> snaps = provider.listSnapshots("orders", "europe-west1");

        assertThat(snaps)
                .extracting(Snapshot::id, Snapshot::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dbre-orders-20261123-2200", SnapshotStatus.CREATING),
                        org.assertj.core.groups.Tuple.tuple("backup-run-1732310000000", SnapshotStatus.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple("dbre-orders-20261122-2200", SnapshotStatus.AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple("backup-run-1732000000009", SnapshotStatus.AVAILABLE));
        assertThat(snaps.get(0).tags()).containsEntry("dbre:slot", "20261123-2200");
        assertThat(snaps.get(2).managedBy("gold")).isTrue();
        assertThat(snaps.get(1).managedBy("gold")).isFalse();
        assertThat(snaps.get(3).managedBy("gold")).isFalse();
        assertThat(snaps.get(2).createdAt()).isEqualTo(Instant.parse("2026-11-22T22:00:03Z"));
    }

    @Test
    void createSnapshot_insertsAnOnDemandRunWithNameAndTagsInTheDescription() throws Exception {
        http.once(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));
        http.once(call("POST", BASE + "/orders/backupRuns"), json("operation-backup"));
        http.once(
                call("GET", BASE + "/orders/backupRuns"),
                json("backup-runs-orders-after-insert", Map.of("\"LOCATION\"", "null")));

        Snapshot s = provider.createSnapshot(
                ORDERS,
                "dbre-orders-20261123-2300",
                Map.of("dbre:managed-by", "dbre", "dbre:policy", "gold", "dbre:slot", "20261123-2300"));

        JsonNode body =
                JSON.readTree(sent("POST", BASE + "/orders/backupRuns").get(0).body());
        assertThat(body.get("description").asText())
                .isEqualTo("dbre-orders-20261123-2300"
                        + " {\"dbre:managed-by\":\"dbre\",\"dbre:policy\":\"gold\",\"dbre:slot\":\"20261123-2300\"}");
        assertThat(body.has("location")).isFalse();
        assertThat(s.id()).isEqualTo("dbre-orders-20261123-2300");
        assertThat(s.status()).isEqualTo(SnapshotStatus.CREATING);
        assertThat(s.managedBy("gold")).isTrue();
    }

    @Test
    void createSnapshot_whenARunWithTheNameExists_insertsNothing() {
        http.always(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));

        Snapshot s = provider.createSnapshot(ORDERS, "dbre-orders-20261122-2200", Map.of());

        assertThat(s.status()).isEqualTo(SnapshotStatus.AVAILABLE);
        assertThat(sent("POST", BASE + "/orders/backupRuns")).isEmpty();
    }

    @Test
    void copySnapshot_isANewBackupStoredInTheTargetLocation() throws Exception {
        http.once(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));
        http.once(call("POST", BASE + "/orders/backupRuns"), json("operation-backup"));
        http.once(
                call("GET", BASE + "/orders/backupRuns"),
                json("backup-runs-orders-after-insert", Map.of("LOCATION", "europe-west4")));
        Snapshot source = new Snapshot(
                "dbre-orders-20261123-2300",
                "orders",
                "europe-west1",
                Instant.parse("2026-11-23T23:00:03Z"),
                SnapshotStatus.AVAILABLE,
                Map.of(),
                -1);

        Snapshot copy = provider.copySnapshot(source, "europe-west4", null, "dbre-orders-20261123-2300", Map.of());

        JsonNode body =
                JSON.readTree(sent("POST", BASE + "/orders/backupRuns").get(0).body());
        assertThat(body.get("location").asText()).isEqualTo("europe-west4");
        assertThat(copy.region()).isEqualTo("europe-west4");
    }

    /** Runs of "orders": the source backup of the 23:00 slot, completed, and (optionally) its copy. */
    private static Reply runsWithSourceAndCopy(boolean withCopy) {
        String source = "{\"kind\":\"sql#backupRun\",\"id\":\"1732406400003\",\"status\":\"SUCCESSFUL\","
                + "\"type\":\"ON_DEMAND\",\"instance\":\"orders\",\"location\":\"europe-west1\","
                + "\"startTime\":\"2026-11-23T23:00:03Z\",\"description\":"
                + JSON.valueToTree(CloudSqlBackupProvider.description(
                        "dbre-orders-20261123-2300", Map.of("dbre:managed-by", "dbre", "dbre:policy", "gold")))
                + "}";
        String copy = "{\"kind\":\"sql#backupRun\",\"id\":\"1732410000004\",\"status\":\"RUNNING\","
                + "\"type\":\"ON_DEMAND\",\"instance\":\"orders\",\"location\":\"europe-west4\","
                + "\"startTime\":\"2026-11-24T00:00:04Z\",\"description\":"
                + JSON.valueToTree(CloudSqlBackupProvider.description(
                        "dbre-orders-20261123-2300",
                        Map.of(
                                "dbre:managed-by", "dbre",
                                "dbre:policy", "gold",
                                "dbre:copy-of", "dbre-orders-20261123-2300")))
                + "}";
        return Reply.of(
                200,
                "application/json",
                "{\"kind\":\"sql#backupRunsList\",\"items\":[" + (withCopy ? copy + "," : "") + source + "]}");
    }

    private static final Snapshot SOURCE_2300 = new Snapshot(
            "dbre-orders-20261123-2300",
            "orders",
            "europe-west1",
            Instant.parse("2026-11-23T23:00:03Z"),
            SnapshotStatus.AVAILABLE,
            Map.of("dbre:managed-by", "dbre", "dbre:policy", "gold"),
            -1);

    @Test
    void copySnapshot_whileTheSourceRunHasTheSameName_insertsASecondBackupInTheTargetLocation() throws Exception {
        http.once(call("GET", BASE + "/orders/backupRuns"), runsWithSourceAndCopy(false));
        http.once(call("POST", BASE + "/orders/backupRuns"), json("operation-backup"));
        http.once(call("GET", BASE + "/orders/backupRuns"), runsWithSourceAndCopy(true));

        Snapshot copy = provider.copySnapshot(
                SOURCE_2300,
                "europe-west4",
                null,
                "dbre-orders-20261123-2300",
                Map.of("dbre:managed-by", "dbre", "dbre:policy", "gold"));

        JsonNode body =
                JSON.readTree(sent("POST", BASE + "/orders/backupRuns").get(0).body());
        assertThat(body.get("location").asText()).isEqualTo("europe-west4");
        assertThat(body.get("description").asText()).contains("\"dbre:copy-of\":\"dbre-orders-20261123-2300\"");
        assertThat(copy.region()).isEqualTo("europe-west4");
        assertThat(copy.status()).isEqualTo(SnapshotStatus.CREATING);
        assertThat(copy.tags()).containsEntry("dbre:copy-of", "dbre-orders-20261123-2300");
    }

    @Test
    void copySnapshot_whenTheCopyExists_insertsNothing_andDeleteTellsCopyFromSource() {
        http.always(call("GET", BASE + "/orders/backupRuns"), runsWithSourceAndCopy(true));
        http.always(r -> r.method().equals("DELETE"), json("operation-delete-backup"));

        Snapshot copy = provider.copySnapshot(
                SOURCE_2300, "europe-west4", null, "dbre-orders-20261123-2300", Map.of("dbre:policy", "gold"));
        provider.deleteSnapshot(copy);
        provider.deleteSnapshot(SOURCE_2300);

        assertThat(sent("POST", BASE + "/orders/backupRuns")).isEmpty();
        assertThat(http.requests(r -> r.method().equals("DELETE")))
                .extracting(Recorded::path)
                .containsExactly(BASE + "/orders/backupRuns/1732410000004", BASE + "/orders/backupRuns/1732406400003");
    }

    @Test
    void unsupported_refusesShare_andAcceptsThePolicyWithoutIt() {
        String gold = FakeHttpServer.resource("policies/gold-europe-west1.yaml");
        BackupPolicy shared = BackupPolicyLoader.parse("gold.yaml", gold + "share:\n  accounts: [other-project]\n");
        BackupPolicy copied = BackupPolicyLoader.parse("gold.yaml", gold + "copy:\n  region: europe-west4\n");

        assertThat(provider.unsupported(shared))
                .startsWith("share: ")
                .contains("cannot be shared with other projects")
                .contains("cloudsql.backupRuns.get");
        assertThat(provider.unsupported(copied)).isNull();
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void deleteSnapshot_findsTheRunByNameAndDeletesItsId_andAMissingOneIsSuccess() {
        http.always(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));
        http.once(call("DELETE", BASE + "/orders/backupRuns/1732313600002"), json("operation-delete-backup"));
        Snapshot ours = new Snapshot(
                "dbre-orders-20261122-2200",
                "orders",
                "europe-west1",
                Instant.EPOCH,
                SnapshotStatus.AVAILABLE,
                Map.of(),
                -1);
        Snapshot gone = new Snapshot(
                "dbre-orders-20261001-0000",
                "orders",
                "europe-west1",
                Instant.EPOCH,
                SnapshotStatus.AVAILABLE,
                Map.of(),
                -1);

        provider.deleteSnapshot(ours);
        provider.deleteSnapshot(gone);

        assertThat(sent("DELETE", BASE + "/orders/backupRuns/1732313600002")).hasSize(1);
        assertThat(http.requests(r -> r.method().equals("DELETE"))).hasSize(1);
    }

    @Test
    void rateLimit_isRetryable_quotaIsNot() {
        http.once(call("GET", BASE), error(429, "error-429-rate"));
        http.once(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));
        http.once(call("POST", BASE + "/orders/backupRuns"), error(403, "error-403-quota"));

        assertProviderError(() -> provider.listDatabases("europe-west1"), ProviderError.THROTTLED, "rateLimitExceeded");
        assertProviderError(
                () -> provider.createSnapshot(ORDERS, "dbre-orders-20261123-2300", Map.of()),
                ProviderError.QUOTA_EXCEEDED,
                "quotaExceeded");
    }

    @Test
    void describeSource_windowFromGetLatestRecoveryTime() {
        http.always(call("GET", BASE + "/orders"), json("instance-orders"));
        http.always(
                call("GET", "/v1/projects/dbre-prod/instances/orders/getLatestRecoveryTime"),
                json("latest-recovery-time"));

        RestoreSource s = provider.describeSource("orders").orElseThrow();

        assertThat(s.window().earliest()).isEqualTo(Instant.parse("2026-11-16T22:10:00Z"));
        assertThat(s.window().latest()).isEqualTo(Instant.parse("2026-11-23T21:59:30.500Z"));
        assertThat(s.database().production()).isTrue();
    }

    @Test
    void describeSource_withoutAnEarliestTime_usesLogRetentionBoundedByTheOldestBackup() {
        http.always(call("GET", BASE + "/orders"), json("instance-orders"));
        http.always(
                call("GET", "/v1/projects/dbre-prod/instances/orders/getLatestRecoveryTime"),
                json("latest-recovery-time-no-earliest"));
        http.always(call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders"));

        RestoreSource s = provider.describeSource("orders").orElseThrow();

        // 7 days of logs before the clock (23:00:05) reach further back than the oldest backup (11-10).
        assertThat(s.window().earliest()).isEqualTo(Instant.parse("2026-11-16T23:00:05Z"));
    }

    @Test
    void describeSource_withoutPitr_hasNoWindow_andAnUnknownInstanceIsEmpty() {
        http.always(call("GET", BASE + "/orders"), json("instance-orders-no-pitr"));
        http.always(call("GET", BASE + "/nope"), error(404, "error-404-instance"));

        assertThat(provider.describeSource("orders").orElseThrow().window()).isNull();
        assertThat(provider.describeSource("nope")).isEmpty();
        assertThat(provider.nameTaken("nope")).isFalse();
    }

    @Test
    void restore_clonesToThePointInTime_labelsTheCloneWhenRunnable_thenReportsItsAddress() throws Exception {
        http.once(call("POST", BASE + "/orders/clone"), json("operation-clone"));
        http.always(call("GET", OPERATIONS + CLONE_OP), json("operation-clone-done"));

        String ref = provider.startRestore(
                RUN,
                "orders",
                Instant.parse("2026-11-23T12:30:00Z"),
                "orders-drill",
                Map.of("instanceClass", "db-custom-1-3840", "tags", Map.of("ticket", "CHG-4711")));
        assertThat(ref).isEqualTo(CLONE_OP);

        JsonNode clone =
                JSON.readTree(sent("POST", BASE + "/orders/clone").get(0).body());
        assertThat(clone.at("/cloneContext/destinationInstanceName").asText()).isEqualTo("orders-drill");
        assertThat(clone.at("/cloneContext/pointInTime").asText()).isEqualTo("2026-11-23T12:30:00Z");

        http.once(call("GET", BASE + "/orders-drill"), json("instance-clone-pending"));
        assertThat(provider.progress(target(RUN, ref)).state()).isEqualTo(RestoreProgress.State.RESTORING);

        http.once(call("GET", BASE + "/orders-drill"), json("instance-clone-runnable-unlabelled"));
        http.once(call("PATCH", BASE + "/orders-drill"), json("operation-update"));
        assertThat(provider.progress(target(RUN, ref)).state()).isEqualTo(RestoreProgress.State.RESTORING);
        JsonNode patch =
                JSON.readTree(sent("PATCH", BASE + "/orders-drill").get(0).body());
        assertThat(patch.at("/settings/userLabels/dbre-managed-by").asText()).isEqualTo("dbre");
        assertThat(patch.at("/settings/userLabels/dbre-restored-from").asText()).isEqualTo("orders");
        assertThat(patch.at("/settings/userLabels/ticket").asText()).isEqualTo("chg-4711");
        assertThat(patch.at("/settings/tier").asText()).isEqualTo("db-custom-1-3840");
        assertThat(patch.at("/settings/userLabels/dbre-restore-run").asText()).isEqualTo(RUN.toString());

        http.always(
                call("GET", BASE + "/orders-drill"),
                json("instance-clone-runnable-labelled", Map.of("HOST", "10.20.0.9")));
        RestoreProgress done = provider.progress(target(RUN, ref));
        assertThat(done.state()).isEqualTo(RestoreProgress.State.AVAILABLE);
        assertThat(done.endpointHost()).isEqualTo("10.20.0.9");
    }

    @Test
    void progress_ofARunnableUnlabelledInstanceTheRunDidNotClone_failsTheRun_andNeverLabelsIt() {
        http.always(call("GET", BASE + "/orders-drill"), json("instance-clone-runnable-unlabelled"));
        http.always(call("GET", OPERATIONS + "op-not-there"), error(404, "error-404-instance"));

        // No clone operation of the run at all (a start that never cloned), or one that is unknown.
        RestoreProgress noProof = provider.progress(target(RUN, null));
        RestoreProgress unknownOp = provider.progress(target(RUN, "op-not-there"));

        assertThat(noProof.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(noProof.detail()).contains("not this run's", "left alone");
        assertThat(unknownOp.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(sent("PATCH", BASE + "/orders-drill")).isEmpty();
    }

    @Test
    void progress_afterTheRunsCloneFailed_failsWithItsError_andDoesNotLabelTheInstanceOfThatName() {
        http.always(call("GET", BASE + "/orders-drill"), json("instance-clone-runnable-unlabelled"));
        http.always(call("GET", OPERATIONS + CLONE_OP), json("operation-clone-failed"));

        RestoreProgress p = provider.progress(target(RUN, CLONE_OP));

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(p.detail()).contains("INTERNAL_ERROR", "not this run's");
        assertThat(sent("PATCH", BASE + "/orders-drill")).isEmpty();
    }

    @Test
    void progress_ofAnInstanceLabelledByAnotherRun_failsTheRun_andChangesNothing() {
        http.always(
                call("GET", BASE + "/orders-drill"),
                json("instance-clone-runnable-labelled", Map.of("HOST", "10.20.0.9")));
        http.always(call("GET", OPERATIONS + CLONE_OP), json("operation-clone-done"));

        RestoreProgress p = provider.progress(target(UUID.randomUUID(), CLONE_OP));

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(p.detail()).contains("not this run's");
        assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
    }

    @Test
    void connect_logsInToTheClonesConnectionName_elseProjectRegionName() {
        List<String> logins = new ArrayList<>();
        CloudSqlBackupProvider p = new CloudSqlBackupProvider(
                CloudSqlAdmin.create(http.uri() + "/", r -> {}),
                "dbre-prod",
                CLOCK,
                (name, connection, progress, db) -> {
                    logins.add(name + " " + connection + " " + progress.endpointHost() + " " + db);
                    return null;
                });
        http.once(
                call("GET", BASE + "/orders-drill"),
                json("instance-clone-runnable-labelled", Map.of("HOST", "10.20.0.9")));
        http.once(
                call("GET", BASE + "/orders-drill"),
                json(
                        "instance-clone-runnable-labelled",
                        Map.of(
                                "HOST",
                                "10.20.0.9",
                                "\"connectionName\": \"dbre-prod:europe-west1:orders-drill\",",
                                "",
                                "\"region\": \"europe-west1\"",
                                "\"region\": \"europe-west4\"")));

        p.connect("orders-drill", "orders");
        p.connect("orders-drill", "orders");

        assertThat(logins)
                .containsExactly(
                        "orders-drill dbre-prod:europe-west1:orders-drill 10.20.0.9 orders",
                        "orders-drill dbre-prod:europe-west4:orders-drill 10.20.0.9 orders");
        assertThat(http.requests().get(1).path()).isEqualTo(BASE + "/orders-drill");
    }

    @Test
    void startRestore_toLatest_sendsNoPointInTime_andARepeatedStartOfTheLabelledCloneIsHarmless() throws Exception {
        http.once(call("POST", BASE + "/orders/clone"), json("operation-clone"));
        http.once(call("POST", BASE + "/orders/clone"), error(409, "error-409-exists"));
        http.always(
                call("GET", BASE + "/orders-drill"),
                json("instance-clone-runnable-labelled", Map.of("HOST", "10.20.0.9")));

        assertThat(provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()))
                .isEqualTo(CLONE_OP);
        assertThat(provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()))
                .isNull();

        JsonNode clone =
                JSON.readTree(sent("POST", BASE + "/orders/clone").get(0).body());
        assertThat(clone.at("/cloneContext").has("pointInTime")).isFalse();
    }

    @Test
    void startRestore_whenAnInstanceBeingCreatedHasTheName_isNameTaken_notAdopted() {
        http.always(call("POST", BASE + "/orders/clone"), error(409, "error-409-exists"));
        http.always(call("GET", BASE + "/orders-drill"), json("instance-clone-pending"));

        assertProviderError(
                () -> provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()),
                ProviderError.ALREADY_EXISTS,
                "NameTaken");
        assertThat(sent("PATCH", BASE + "/orders-drill")).isEmpty();
    }

    @Test
    void startRestore_whileAnotherOperationRuns_isRetryable() {
        http.once(call("POST", BASE + "/orders/clone"), error(409, "error-409-in-progress"));

        assertThatThrownBy(() -> provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.error()).isEqualTo(ProviderError.BUSY));
    }

    @Test
    void delete_removesOnlyTheRunsClone() {
        http.once(call("GET", BASE + "/orders-drill"), json("instance-unmanaged"));
        http.once(call("GET", BASE + "/orders-drill"), json("instance-clone-runnable-labelled"));
        http.once(call("GET", BASE + "/orders-drill"), json("instance-clone-runnable-labelled"));
        http.once(call("DELETE", BASE + "/orders-drill"), json("operation-delete"));
        http.once(call("GET", BASE + "/orders-drill"), error(404, "error-404-instance"));

        assertThat(provider.delete(target(RUN, null))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(provider.delete(target(UUID.randomUUID(), null))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(provider.delete(target(RUN, null))).isEqualTo(RestoreProvider.Deletion.DELETED);
        assertThat(provider.delete(target(RUN, null))).isEqualTo(RestoreProvider.Deletion.ABSENT);

        assertThat(sent("DELETE", BASE + "/orders-drill")).hasSize(1);
    }

    @Test
    void delete_ofTheRunsCloneBeforeItIsLabelled_goesByItsCloneOperation() {
        http.always(call("GET", BASE + "/orders-drill"), json("instance-clone-pending"));
        http.once(call("GET", OPERATIONS + CLONE_OP), json("operation-clone-failed"));
        http.once(call("GET", OPERATIONS + CLONE_OP), json("operation-clone-done"));
        http.once(call("DELETE", BASE + "/orders-drill"), json("operation-delete"));

        // The run's clone failed: the instance of that name is someone else's.
        assertThat(provider.delete(target(RUN, CLONE_OP))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(provider.delete(target(RUN, null))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(provider.delete(target(RUN, CLONE_OP))).isEqualTo(RestoreProvider.Deletion.DELETED);

        assertThat(sent("DELETE", BASE + "/orders-drill")).hasSize(1);
    }

    @Test
    void descriptionRoundTrip_andStatuses() {
        var run = new com.google.api.services.sqladmin.model.BackupRun()
                .setId(7L)
                .setDescription(CloudSqlBackupProvider.description("dbre-a-20261123-2300", Map.of("k", "v")));
        assertThat(CloudSqlBackupProvider.idOf(run)).isEqualTo("dbre-a-20261123-2300");
        assertThat(CloudSqlBackupProvider.tagsOf(run)).containsExactly(Map.entry("k", "v"));
        assertThat(CloudSqlBackupProvider.status("OVERDUE")).isEqualTo(SnapshotStatus.CREATING);
        assertThat(CloudSqlBackupProvider.status("FAILED")).isEqualTo(SnapshotStatus.FAILED);
    }
}
