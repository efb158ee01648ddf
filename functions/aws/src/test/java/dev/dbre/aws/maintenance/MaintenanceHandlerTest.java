package dev.dbre.aws.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.backup.BackupEvents;
import dev.dbre.aws.event.BadEventException;
import dev.dbre.config.Env;
import dev.dbre.metrics.MaintenanceException;
import dev.dbre.obs.MetricNames;
import dev.dbre.testing.MaintenanceFixture;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * Sends events/aws/scheduler-maintenance.json through the handler, built from environment variables
 * as in Lambda, against the embedded PostgreSQL.
 */
class MaintenanceHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(MaintenanceFixture.TICK);
    private final List<Map<String, Double>> metrics = new ArrayList<>();
    private TestDatabase db;

    @BeforeEach
    void data() {
        db = PostgresExtension.newDatabase();
        MaintenanceFixture.ingestTwoMinutes(db);
    }

    private MaintenanceHandler handler(Map<String, String> env) {
        return new MaintenanceHandler(MaintenanceWiring.job(
                MaintenanceConfig.fromEnv(new Env(env)),
                AnonymousCredentialsProvider.create(),
                (dims, values) -> values.forEach(v -> metrics.add(Map.of(v.name(), v.value()))),
                clock));
    }

    private JsonNode tick(String event, String requestId) throws Exception {
        String out = BackupEvents.invoke(
                handler(BackupEvents.databaseEnv(db))::handleRequest, event, BackupEvents.context(requestId));
        return JSON.readTree(out);
    }

    @Test
    void aTick_rollsUpTheClosedMinutes_andCreatesPartitionsAhead() throws Exception {
        JsonNode summary = tick(BackupEvents.text("scheduler-maintenance.json"), "m1");

        assertThat(summary.path("dryRun").asBoolean()).isFalse();
        assertThat(summary.path("complete").asBoolean()).isTrue();
        assertThat(summary.path("resolutions").path("1m").path("rolledUp").asInt())
                .isEqualTo(2);
        assertThat(summary.path("resolutions").path("1h").path("rolledUp").asInt())
                .isEqualTo(1);
        assertThat(summary.path("resolutions")
                        .path("interval")
                        .path("partitionsCreated")
                        .toString())
                .contains(MaintenanceFixture.LAST_PARTITION_AHEAD);
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("2/1");
        assertThat(MaintenanceFixture.partitionExists(db, MaintenanceFixture.LAST_PARTITION_AHEAD))
                .isTrue();
        assertThat(metrics).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 0.0));
    }

    @Test
    void aSecondTick_changesNothing() throws Exception {
        tick(BackupEvents.text("scheduler-maintenance.json"), "m1");

        JsonNode again = tick(BackupEvents.text("scheduler-maintenance.json"), "m2");

        assertThat(again.path("resolutions").path("1m").path("rolledUp").asInt())
                .isZero();
        assertThat(again.path("resolutions").path("1h").path("rolledUp").asInt())
                .isZero();
        assertThat(again.findValues("partitionsCreated")).allMatch(JsonNode::isEmpty);
        assertThat(again.findValues("partitionsDropped")).allMatch(JsonNode::isEmpty);
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("2/1");
    }

    @Test
    void aDryRunBody_reportsTheRunWithoutChangingAnything() throws Exception {
        String dry = BackupEvents.text("scheduler-maintenance.json").replace("\"dryRun\": false", "\"dryRun\": true");

        JsonNode plan = tick(dry, "m3");

        assertThat(plan.path("dryRun").asBoolean()).isTrue();
        assertThat(plan.path("resolutions").path("1m").path("rolledUp").asInt()).isEqualTo(2);
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("0/0");
        assertThat(MaintenanceFixture.partitionExists(db, MaintenanceFixture.LAST_PARTITION_AHEAD))
                .isFalse();
    }

    @Test
    void aBadBody_isRefusedNamingTheField_andChangesNothing() throws Exception {
        String bad =
                BackupEvents.text("scheduler-maintenance.json").replace("\"dryRun\": false", "\"dryRun\": \"yes\"");

        assertThatThrownBy(() -> tick(bad, "m4"))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("dryRun"));
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("0/0");
    }

    @Test
    void anUnreachableDatabase_publishesAFailure_andFailsTheInvocation() throws Exception {
        Map<String, String> env = BackupEvents.databaseEnv(db);
        try (ServerSocket free = new ServerSocket(0)) {
            env.put("DBRE_DB_PORT", String.valueOf(free.getLocalPort()));
        }
        MaintenanceHandler handler = handler(env);

        assertThatThrownBy(() -> BackupEvents.invoke(
                        handler::handleRequest,
                        BackupEvents.text("scheduler-maintenance.json"),
                        BackupEvents.context("m5")))
                .isInstanceOf(MaintenanceException.class);
        assertThat(metrics).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 1.0));
    }
}
