package dev.dbre.gcp.backup;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.config.Env;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.port.SecretStore;
import dev.dbre.testing.Drills;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fake Cloud SQL Admin API the snapshot, restore and drill function tests run against (a local
 * HTTP server), and their functions' components built from environment variables. A "restored
 * instance" answers at the embedded PostgreSQL, so a drill's verification really runs.
 */
public abstract class CloudSqlFunctionsFixture {
    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final String BASE = "/v1/projects/dbre-prod/instances";

    protected final FakeHttpServer http = FakeHttpServer.start();
    protected final Set<String> cloned = ConcurrentHashMap.newKeySet();
    protected final Set<String> labelled = ConcurrentHashMap.newKeySet();
    /** The run id each clone was labelled with (Cloud SQL keeps the labels of the patch). */
    protected final Map<String, String> runOf = new ConcurrentHashMap<>();

    protected final Set<String> deleted = ConcurrentHashMap.newKeySet();
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T22:00:05Z"));
    protected TestDatabase db;

    @BeforeEach
    protected void setUp() throws Exception {
        db = Drills.ordersDatabase();
        http.always(call("GET", BASE), json("instances-list", Map.of()));
        http.always(call("GET", BASE + "/orders"), json("instance-orders", Map.of()));
        http.always(call("GET", BASE + "/orders/getLatestRecoveryTime"), json("latest-recovery-time", Map.of()));
        // Every run of the fixture completed: a new slot gets a backup.
        http.always(
                call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders", Map.of("RUNNING", "SUCCESSFUL")));
        http.always(call("POST", BASE + "/orders/backupRuns"), json("operation-backup", Map.of()));
        http.always(call("POST", BASE + "/orders/clone"), r -> {
            try {
                cloned.add(JSON.readTree(r.body())
                        .at("/cloneContext/destinationInstanceName")
                        .asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return json("operation-clone", Map.of());
        });
        http.always(r -> r.path().startsWith(BASE + "/orders-drill-"), this::drillInstance);
        // The clone operation every clone above answers with: done, without an error.
        http.always(
                call("GET", "/v1/projects/dbre-prod/operations/a1b2c3d4-e5f6-4a7b-8c9d-000000000001"),
                json("operation-clone-done", Map.of()));
        // Any other instance does not exist (the names of new restores).
        http.always(
                r -> r.method().equals("GET") && r.path().startsWith(BASE + "/"),
                Reply.resource(404, "application/json", "cloudsql/error-404-instance.json"));
    }

    @AfterEach
    protected void stop() {
        http.close();
    }

    /** The cloned instance: absent, then RUNNABLE without labels, labelled after the patch, gone after delete. */
    protected Reply drillInstance(Recorded r) {
        String name = r.path().substring(BASE.length() + 1);
        String method = r.header("x-http-method-override") != null ? r.header("x-http-method-override") : r.method();
        if (!cloned.contains(name) || deleted.contains(name)) {
            return Reply.resource(404, "application/json", "cloudsql/error-404-instance.json");
        }
        switch (method) {
            case "PATCH" -> {
                labelled.add(name);
                try {
                    runOf.put(
                            name,
                            JSON.readTree(r.body())
                                    .at("/settings/userLabels/dbre-restore-run")
                                    .asText());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return json("operation-update", Map.of());
            }
            case "DELETE" -> {
                deleted.add(name);
                return json("operation-delete", Map.of());
            }
            default -> {
                String fixture = labelled.contains(name)
                        ? "instance-clone-runnable-labelled"
                        : "instance-clone-runnable-unlabelled";
                return json(
                        fixture,
                        Map.of(
                                "HOST",
                                "127.0.0.1",
                                "\"orders-drill\"",
                                "\"" + name + "\"",
                                "0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10",
                                runOf.getOrDefault(name, "")));
            }
        }
    }

    protected static Predicate<Recorded> call(String method, String path) {
        return r -> path.equals(r.path())
                && (method.equals(r.method()) || method.equals(r.header("x-http-method-override")));
    }

    protected static Reply json(String fixture, Map<String, String> replace) {
        String body = FakeHttpServer.resource("cloudsql/" + fixture + ".json");
        for (var e : replace.entrySet()) {
            body = body.replace(e.getKey(), e.getValue());
        }
        return Reply.of(200, "application/json", body);
    }

    protected BackupComponents runtime() throws Exception {
        return runtime(Map.of("DBRE_RESTORE_DB_AUTH", "none", "DBRE_RESTORE_DB_SSLMODE", "disable"), db, null);
    }

    /**
     * A runtime whose drills restore "into" {@code restored} (the clone's address is 127.0.0.1 at its
     * server's port), with {@code extra} variables and the Secret Manager store from {@code secrets}.
     */
    protected BackupComponents runtime(
            Map<String, String> extra, TestDatabase restored, Supplier<? extends SecretStore> secrets)
            throws Exception {
        return runtime(extra, restored, secrets, GcsPolicyReader.standard());
    }

    /** As above, reading gs:// policies with {@code gcs}. */
    protected BackupComponents runtime(
            Map<String, String> extra,
            TestDatabase restored,
            Supplier<? extends SecretStore> secrets,
            GcsPolicyReader gcs)
            throws Exception {
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_BACKUP_POLICY_FILE", "src/test/resources/policies/gold-europe-west1.yaml");
        env.put("DBRE_SNAPSHOT_RETRY_BASE_MS", "1");
        Path drill = Path.of(System.getProperty("java.io.tmpdir"), "gcp-drill-" + restored.name() + ".json");
        Files.createDirectories(drill.getParent());
        Files.writeString(
                drill,
                Files.readString(Path.of("src/test/resources/drills/orders-drill.json"))
                        .replace("${DATABASE}", restored.name()));
        env.put("DBRE_DRILL_REQUEST_FILE", drill.toString());
        env.putAll(extra);
        if (extra.containsKey("DBRE_BACKUP_POLICY")) {
            env.remove("DBRE_BACKUP_POLICY_FILE");
        }
        return BackupComponents.fromEnv(
                new Env(env),
                clock,
                CloudSqlAdmin.create(http.uri() + "/", r -> r.getHeaders().setAuthorization("Bearer test")),
                restored.server().port(),
                secrets == null ? () -> fail("no Secret Manager store expected") : secrets,
                gcs);
    }
}
