package dev.dbre.azure.backup;

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
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FlexibleServerBackupProvider through the real Azure SDK (PostgreSqlManager and its HttpPipeline)
 * against ARM-shaped JSON on 127.0.0.1 (fixtures in src/test/resources/flexibleserver/).
 */
class FlexibleServerBackupProviderTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T23:00:05Z"), ZoneOffset.UTC);
    static final String SUB = "00000000-1111-2222-3333-444444444444";
    static final String RG_PATH =
            "/subscriptions/" + SUB + "/resourceGroups/dbre-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DatabaseRef ORDERS =
            new DatabaseRef("orders", "flexible-server", "westeurope", Map.of(), true);

    private final FakeHttpServer http = FakeHttpServer.start();
    private final FlexibleServerBackupProvider provider = provider(http, "gold");

    static FlexibleServerBackupProvider provider(FakeHttpServer http, String policy) {
        return new FlexibleServerBackupProvider(
                ArmClients.manager(
                        ArmClients.testPipeline(), ArmClients.profile(http.uri().toString(), SUB)),
                SUB,
                "dbre-prod",
                policy,
                CLOCK,
                new RestoredDbLogin("verifier", DbAuth.NONE, "require", null));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    static Predicate<Recorded> call(String method, String path) {
        return r -> method.equals(r.method()) && path.equals(r.path());
    }

    static Reply json(String fixture) {
        return Reply.resource(200, "application/json", "flexibleserver/" + fixture + ".json");
    }

    static Reply error(int status, String fixture) {
        return Reply.resource(status, "application/json", "flexibleserver/" + fixture + ".json");
    }

    @Test
    void listDatabases_serversOfTheRegion_withTags() {
        http.always(call("GET", RG_PATH), json("servers-list"));

        List<DatabaseRef> dbs = provider.listDatabases("westeurope");

        assertThat(dbs).extracting(DatabaseRef::id).containsExactly("orders");
        assertThat(dbs.get(0).tags()).containsEntry("dbre:backup-policy", "gold");
        assertThat(dbs.get(0).production()).isTrue();
        assertThat(http.requests().get(0).header("authorization")).isEqualTo("Bearer test-token-not-a-secret");
        assertThat(http.requests().get(0).queryParams()).containsKey("api-version");
    }

    static final java.util.UUID RUN = java.util.UUID.fromString("0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10");

    static RestoreTarget target(java.util.UUID run) {
        return new RestoreTarget(run, "orders-drill", null);
    }

    @Test
    void listSnapshots_onlyThisPolicysBackupsOfThisServerAreManaged_notTheNamePatternAlone() {
        http.always(call("GET", RG_PATH + "/orders/backups"), json("backups-orders"));

        List<Snapshot> snaps = provider.listSnapshots("orders", "westeurope");

        assertThat(snaps)
                .extracting(Snapshot::id)
                .containsExactly(
                        "backup_638678316000000000",
                        "dbre-orders-20261122-2200",
                        "before-upgrade",
                        "dbre-manual-20240101-0000",
                        "dbre-orders-20261121-2200-silver",
                        "dbre-orders-20261120-2200");
        assertThat(snaps).allMatch(s -> s.status() == SnapshotStatus.AVAILABLE);
        assertThat(snaps.get(1).managedBy("gold")).isTrue();
        assertThat(snaps.get(1).tags()).containsEntry("dbre:slot", "20261122-2200");
        // Automatic, hand-made, another policy's, and one with only the old name pattern: none ours.
        assertThat(snaps).filteredOn(x -> x != snaps.get(1)).noneMatch(x -> x.managedBy("gold"));
        assertThat(snaps)
                .filteredOn(x -> x != snaps.get(1))
                .allMatch(x -> x.tags().isEmpty());
        // The silver policy's provider sees its own backup, and none of gold's.
        List<Snapshot> silver = provider.forPolicy("silver").listSnapshots("orders", "westeurope");
        assertThat(silver)
                .filteredOn(x -> x.managedBy("silver"))
                .extracting(Snapshot::id)
                .containsExactly("dbre-orders-20261121-2200");
        assertThat(silver).noneMatch(x -> x.managedBy("gold"));
        // Listed under another server, gold's backup of orders is not gold's backup of that server.
        assertThat(provider.snapshot("dbre-orders-20261122-2200-gold", Instant.EPOCH, "billing", "westeurope")
                        .tags())
                .isEmpty();
        assertThat(snaps.get(1).createdAt()).isEqualTo(Instant.parse("2026-11-22T22:03:10.1Z"));
        assertThat(http.requests().get(0).queryParams()).containsEntry("api-version", "2024-08-01");
    }

    @Test
    void createSnapshot_putsAnOnDemandBackupNamedForThePolicy_andAnExistingOneIsReturned() {
        http.once(
                call("GET", RG_PATH + "/orders/backups/dbre-orders-20261123-2300-gold"), error(404, "error-not-found"));
        http.once(
                call("PUT", RG_PATH + "/orders/backups/dbre-orders-20261123-2300-gold"),
                Reply.of(202, null, null).withHeader("Azure-AsyncOperation", "http://127.0.0.1/op"));
        http.once(call("GET", RG_PATH + "/orders/backups/dbre-orders-20261122-2200-gold"), json("backup-existing"));

        Snapshot started = provider.createSnapshot(ORDERS, "dbre-orders-20261123-2300", Map.of("dbre:policy", "gold"));
        Snapshot existing = provider.createSnapshot(ORDERS, "dbre-orders-20261122-2200", Map.of());

        assertThat(started.status()).isEqualTo(SnapshotStatus.CREATING);
        assertThat(started.id()).isEqualTo("dbre-orders-20261123-2300");
        assertThat(started.managedBy("gold")).isTrue();
        assertThat(existing.status()).isEqualTo(SnapshotStatus.AVAILABLE);
        assertThat(existing.managedBy("gold")).isTrue();
        assertProviderError(
                () -> provider.createSnapshot(ORDERS, "dbre-orders-20261123-2300", Map.of("dbre:policy", "silver")),
                ProviderError.INVALID_REQUEST,
                "WrongPolicy");
        assertThat(http.requests(r -> r.method().equals("PUT"))).hasSize(1);
    }

    @Test
    void deleteSnapshot_deletesThePolicysBackup_aMissingOneIsSuccess_andAnyOtherIsRefused() {
        http.once(
                call("DELETE", RG_PATH + "/orders/backups/dbre-orders-20261122-2200-gold"), Reply.of(202, null, null));
        http.once(
                call("DELETE", RG_PATH + "/orders/backups/dbre-orders-20261001-0000-gold"),
                error(404, "error-not-found"));
        Map<String, String> gold = Map.of("dbre:managed-by", "dbre", "dbre:policy", "gold");

        provider.deleteSnapshot(new Snapshot(
                "dbre-orders-20261122-2200",
                "orders",
                "westeurope",
                Instant.EPOCH,
                SnapshotStatus.AVAILABLE,
                gold,
                -1));
        provider.deleteSnapshot(new Snapshot(
                "dbre-orders-20261001-0000",
                "orders",
                "westeurope",
                Instant.EPOCH,
                SnapshotStatus.AVAILABLE,
                gold,
                -1));
        assertProviderError(
                () -> provider.deleteSnapshot(new Snapshot(
                        "dbre-manual-20240101-0000",
                        "orders",
                        "westeurope",
                        Instant.EPOCH,
                        SnapshotStatus.AVAILABLE,
                        Map.of(),
                        -1)),
                ProviderError.INVALID_REQUEST,
                "NotManaged");

        assertThat(http.requests(r -> r.method().equals("DELETE"))).hasSize(2);
    }

    @Test
    void throttlingIsRetryable_quotaIsNot_copyIsUnsupported() {
        http.once(call("GET", RG_PATH + "/orders/backups"), error(429, "error-throttled"));
        http.once(
                call("GET", RG_PATH + "/orders/backups/dbre-orders-20261123-2300-gold"), error(404, "error-not-found"));
        http.once(call("PUT", RG_PATH + "/orders/backups/dbre-orders-20261123-2300-gold"), error(400, "error-quota"));

        assertProviderError(
                () -> provider.listSnapshots("orders", "westeurope"), ProviderError.THROTTLED, "TooManyRequests");
        assertProviderError(
                () -> provider.createSnapshot(ORDERS, "dbre-orders-20261123-2300", Map.of()),
                ProviderError.QUOTA_EXCEEDED,
                "QuotaExceeded");
        assertThatThrownBy(() -> provider.copySnapshot(
                        new Snapshot(
                                "s", "orders", "westeurope", Instant.EPOCH, SnapshotStatus.AVAILABLE, Map.of(), -1),
                        "northeurope",
                        null,
                        "s",
                        Map.of()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.error()).isEqualTo(ProviderError.UNSUPPORTED);
                    assertThat(e.code()).isEqualTo("Unsupported");
                });
    }

    private static BackupPolicy policy(String extra) {
        return BackupPolicyLoader.parse("gold.yaml", """
                name: gold
                selection:
                  tag: {key: "dbre:backup-policy", value: gold}
                  regions: [westeurope]
                schedule:
                  every: 1h
                retention:
                  daily: 7
                """ + extra);
    }

    @Test
    void unsupported_copy_namesGeoRedundantBackupAndGeoRestoreInstead() {
        String why = provider.unsupported(policy("copy:\n  region: northeurope\n"));

        assertThat(why)
                .startsWith("copy: ")
                .contains("northeurope")
                .contains("geo-redundant backup storage")
                .contains("geo-restore")
                .doesNotContain("share:");
    }

    @Test
    void unsupported_share_isRefusedRatherThanIgnored() {
        String why = provider.unsupported(policy("share:\n  accounts: [\"444455556666\"]\n"));

        assertThat(why).startsWith("share: ").contains("subscriptions");
        assertThatThrownBy(() -> provider.shareSnapshot(
                        new Snapshot(
                                "s", "orders", "westeurope", Instant.EPOCH, SnapshotStatus.AVAILABLE, Map.of(), -1),
                        List.of("444455556666")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.error()).isEqualTo(ProviderError.UNSUPPORTED);
                    assertThat(e.code()).isEqualTo("Unsupported");
                });
    }

    @Test
    void unsupported_bothRules_namesBoth_andAPlainPolicyIsFine() {
        assertThat(provider.unsupported(
                        policy("copy:\n  region: northeurope\nshare:\n  accounts: [\"444455556666\"]\n")))
                .contains("copy: ")
                .contains("; share: ");
        assertThat(provider.unsupported(policy(""))).isNull();
    }

    @Test
    void forPolicy_backupsReadAsManagedByThatPolicyOnly() {
        FlexibleServerBackupProvider silver = provider.forPolicy("silver");

        assertThat(silver.snapshot("dbre-orders-20261122-2200-silver", Instant.EPOCH, "orders", "westeurope")
                        .tags())
                .containsEntry("dbre:policy", "silver");
        assertThat(silver.snapshot("dbre-orders-20261122-2200-gold", Instant.EPOCH, "orders", "westeurope")
                        .tags())
                .isEmpty();
        assertThat(provider.snapshot("dbre-orders-20261122-2200-gold", Instant.EPOCH, "orders", "westeurope")
                        .tags())
                .containsEntry("dbre:policy", "gold");
        assertThat(provider.forPolicy("gold")).isSameAs(provider);
    }

    @Test
    void describeSource_windowFromEarliestRestoreDateToNow_andUnknownIsEmpty() {
        http.always(call("GET", RG_PATH + "/orders"), json("server-orders"));
        http.always(call("GET", RG_PATH + "/nope"), error(404, "error-not-found"));

        RestoreSource s = provider.describeSource("orders").orElseThrow();

        assertThat(s.window().earliest()).isEqualTo(Instant.parse("2026-11-16T22:05:00.1234567Z"));
        assertThat(s.window().latest()).isEqualTo(CLOCK.instant());
        assertThat(s.database().region()).isEqualTo("westeurope");
        assertThat(provider.describeSource("nope")).isEmpty();
        assertThat(provider.nameTaken("nope")).isFalse();
    }

    @Test
    void startRestore_putsAPointInTimeRestoreServer_thenProgressFollowsItsState() throws Exception {
        http.always(call("GET", RG_PATH + "/orders"), json("server-orders"));
        http.once(call("GET", RG_PATH + "/orders-drill"), error(404, "error-not-found"));
        http.once(
                call("PUT", RG_PATH + "/orders-drill"),
                Reply.resource(201, "application/json", "flexibleserver/server-drill-starting.json"));

        provider.startRestore(
                RUN,
                "orders",
                Instant.parse("2026-11-23T12:30:00Z"),
                "orders-drill",
                Map.of("tags", Map.of("ticket", "CHG-4711")));

        JsonNode put = JSON.readTree(
                http.requests(call("PUT", RG_PATH + "/orders-drill")).get(0).body());
        assertThat(put.at("/properties/createMode").asText()).isEqualTo("PointInTimeRestore");
        assertThat(put.at("/properties/sourceServerResourceId").asText()).isEqualTo(RG_PATH + "/orders");
        assertThat(Instant.parse(put.at("/properties/pointInTimeUTC").asText()))
                .isEqualTo(Instant.parse("2026-11-23T12:30:00Z"));
        assertThat(put.at("/location").asText()).isEqualTo("West Europe");
        assertThat(put.at("/tags/dbre:restored-from").asText()).isEqualTo("orders");
        assertThat(put.at("/tags/ticket").asText()).isEqualTo("CHG-4711");
        assertThat(put.at("/tags/dbre:restore-run").asText()).isEqualTo(RUN.toString());
        // The source's own authentication settings, so Entra tokens log in to the restored server.
        assertThat(put.at("/properties/authConfig/activeDirectoryAuth").asText())
                .isEqualTo("Enabled");
        assertThat(put.at("/properties/authConfig/passwordAuth").asText()).isEqualTo("Enabled");
        assertThat(put.at("/properties/authConfig/tenantId").asText())
                .isEqualTo("72f988bf-86f1-41af-91ab-2d7cd011db47");

        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-drill-starting"));
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-drill-ready"));
        assertThat(provider.progress(target(RUN)).state()).isEqualTo(RestoreProgress.State.RESTORING);
        RestoreProgress ready = provider.progress(target(RUN));
        assertThat(ready.state()).isEqualTo(RestoreProgress.State.AVAILABLE);
        assertThat(ready.endpointHost()).isEqualTo("orders-drill.postgres.database.azure.com");
    }

    @Test
    void startRestore_repeatedByTheSameRun_isHarmless_butAnotherRunsOrAForeignServerOfThatNameIsRefused() {
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-drill-starting"));
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-drill-starting"));
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-unmanaged"));

        assertThat(provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()))
                .isNull();
        // Restored by dbre from the same source, but by another run (a kept restore, say): not adopted.
        assertProviderError(
                () -> provider.startRestore(java.util.UUID.randomUUID(), "orders", null, "orders-drill", Map.of()),
                ProviderError.ALREADY_EXISTS,
                "NameTaken");
        assertProviderError(
                () -> provider.startRestore(RUN, "orders", null, "orders-drill", Map.of()),
                ProviderError.ALREADY_EXISTS,
                "NameTaken");
        assertThat(http.requests(r -> r.method().equals("PUT"))).isEmpty();
    }

    @Test
    void progress_ofAServerThatIsNotTheRuns_isFailed_andChangesNothing() {
        http.always(call("GET", RG_PATH + "/orders-drill"), json("server-drill-ready"));

        RestoreProgress p = provider.progress(target(java.util.UUID.randomUUID()));

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(p.detail()).contains("not this run's");
        assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
    }

    @Test
    void delete_onlyTheRunsOwnServer() {
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-unmanaged"));
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-drill-ready"));
        http.once(call("GET", RG_PATH + "/orders-drill"), json("server-drill-ready"));
        http.once(call("DELETE", RG_PATH + "/orders-drill"), Reply.of(204, null, null));
        http.once(call("GET", RG_PATH + "/orders-drill"), error(404, "error-not-found"));

        assertThat(provider.delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(provider.delete(target(java.util.UUID.randomUUID()))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertThat(provider.delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.DELETED);
        assertThat(provider.delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.ABSENT);

        assertThat(http.requests(r -> r.method().equals("DELETE"))).hasSize(1);
    }
}
