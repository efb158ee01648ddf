package dev.dbre.gcp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Sends events/gcp/scheduler-snapshot-pubsub.json through the snapshot function, built from
 * environment variables, against the Cloud SQL fake.
 */
class SnapshotFunctionTest extends CloudSqlFunctionsFixture {
    @Test
    void schedulerMessage_backsUpTheLabelledInstanceInThePublishTimesSlot() throws Exception {
        new SnapshotFunction(runtime()).accept(GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json")));

        Recorded insert =
                http.requests(call("POST", BASE + "/orders/backupRuns")).get(0);
        assertThat(JSON.readTree(insert.body()).get("description").asText())
                .startsWith("dbre-orders-20261123-2300 {")
                .contains("\"dbre:slot\":\"20261123-2300\"");
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and database_id = 'orders'"))
                .isEqualTo(1);
    }

    @Test
    void snapshotFunction_readsTheGcsPolicyAtEveryTick_editsTakeEffect_anInvalidEditChangesNothing() throws Exception {
        String gold = Files.readString(Path.of("src/test/resources/policies/gold-europe-west1.yaml"));
        AtomicReference<String> object = new AtomicReference<>(gold);
        try (FakeHttpServer gcs = FakeHttpServer.start()) {
            Predicate<Recorded> policyObject = r -> r.method().equals("GET")
                    && r.path().equals("/download/storage/v1/b/dbre-policies/o/backup%2Fgold.yaml")
                    && "media".equals(r.queryParams().get("alt"));
            gcs.always(policyObject, r -> Reply.of(200, "application/x-yaml", object.get()));
            SnapshotFunction function = new SnapshotFunction(runtime(
                    Map.of(
                            "DBRE_BACKUP_POLICY", "gs://dbre-policies/backup/gold.yaml",
                            "DBRE_RESTORE_DB_AUTH", "none",
                            "DBRE_RESTORE_DB_SSLMODE", "disable"),
                    db,
                    null,
                    new GcsPolicyReader(() -> StorageOptions.http()
                            .setHost(gcs.uri().toString())
                            .setProjectId("dbre-prod")
                            .setCredentials(NoCredentials.getInstance())
                            .build()
                            .getService())));

            function.accept(GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json")));
            // The policy is edited in the bucket: another name, the instance chosen by id.
            object.set(gold.replace("name: gold", "name: platinum")
                    .replace("tag: {key: \"dbre:backup-policy\", value: gold}", "databases: [orders]"));
            assertThat(object.get()).contains("name: platinum", "databases: [orders]");
            function.accept(GcpEvents.cloudEvent(scheduledAt("2026-11-24T00:00:00.117Z")));

            List<String> inserted = http.requests(call("POST", BASE + "/orders/backupRuns")).stream()
                    .map(r -> {
                        try {
                            return JSON.readTree(r.body()).get("description").asText();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
            assertThat(inserted).hasSize(2);
            assertThat(inserted.get(0)).startsWith("dbre-orders-20261123-2300 ").contains("\"dbre:policy\":\"gold\"");
            assertThat(inserted.get(1))
                    .startsWith("dbre-orders-20261124-0000 ")
                    .contains("\"dbre:policy\":\"platinum\"");

            // An edit that breaks the policy: the next tick fails naming the field, and changes nothing.
            object.set(gold.replace("hourly: 24", "hourly: many"));
            http.clearRequests();
            long runs = db.queryLong("select count(*) from snapshot_runs");
            var tick = GcpEvents.cloudEvent(scheduledAt("2026-11-24T01:00:00.093Z"));

            assertThatThrownBy(() -> function.accept(tick))
                    .isInstanceOfSatisfying(
                            ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"))
                    .hasMessageContaining("gs://dbre-policies/backup/gold.yaml")
                    .hasMessageContaining("retention.hourly");
            assertThat(http.requests()).as("no call to Cloud SQL").isEmpty();
            assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(runs);
            assertThat(gcs.requests(policyObject))
                    .as("read at start and at each of the 3 ticks")
                    .hasSize(4);
        }
    }

    @Test
    void snapshotFunction_policyWithShare_isRefusedBeforeAnyChange() throws Exception {
        Path policy = Files.createTempFile("gold-shared", ".yaml");
        Files.writeString(
                policy,
                Files.readString(Path.of("src/test/resources/policies/gold-europe-west1.yaml"))
                        + "share:\n  accounts: [dbre-dr]\n");
        SnapshotFunction function = new SnapshotFunction(runtime(
                Map.of(
                        "DBRE_BACKUP_POLICY", policy.toString(),
                        "DBRE_RESTORE_DB_AUTH", "none",
                        "DBRE_RESTORE_DB_SSLMODE", "disable"),
                db,
                null));
        var tick = GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json"));

        assertThatThrownBy(() -> function.accept(tick))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"))
                .hasMessageContaining("policy gold: share: Cloud SQL backups cannot be shared")
                .hasMessageContaining("nothing was changed");
        assertThat(http.requests()).as("no call to Cloud SQL").isEmpty();
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isZero();
    }

    private static JsonNode scheduledAt(String publishTime) throws Exception {
        JsonNode ce = GcpEvents.json("scheduler-snapshot-pubsub.json");
        ((ObjectNode) ce.path("data").path("message")).put("publishTime", publishTime);
        return ce;
    }

    @Test
    void snapshotFunction_withoutAPolicyFile_isAConfigErrorNamingIt() throws Exception {
        BackupComponents runtime = runtime();
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_RESTORE_DB_AUTH", "none");
        BackupComponents noPolicy = BackupComponents.fromEnv(
                new Env(env),
                clock,
                CloudSqlAdmin.create(http.uri() + "/", r -> {}),
                5432,
                () -> fail("no Secret Manager store expected"),
                GcsPolicyReader.standard());

        assertThat(runtime).isNotNull();
        assertThatThrownBy(() -> new SnapshotFunction(noPolicy))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"));
    }
}
