package dev.dbre.gcp.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.config.Env;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.metrics.MaintenanceException;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.MetricNames;
import dev.dbre.testing.MaintenanceFixture;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sends events/gcp/scheduler-maintenance-pubsub.json through the function, built from the environment, into the embedded PostgreSQL. */
class MaintenanceFunctionTest {
    private final MutableClock clock = new MutableClock(MaintenanceFixture.TICK);
    private final List<Map<String, Double>> metrics = new ArrayList<>();
    private TestDatabase db;

    @BeforeEach
    void data() {
        db = PostgresExtension.newDatabase();
        MaintenanceFixture.ingestTwoMinutes(db);
    }

    private MaintenanceFunction function(int port) {
        MaintenanceConfig config = MaintenanceConfig.fromEnv(new Env(TestRuntimes.settings(port, db.name())));
        return new MaintenanceFunction(MaintenanceFunction.job(
                config, clock, (dims, values) -> values.forEach(v -> metrics.add(Map.of(v.name(), v.value())))));
    }

    /** The sample event, its message body replaced by {@code body}. */
    private static CloudEvent event(String body) throws Exception {
        ObjectNode ce = (ObjectNode) GcpEvents.json("scheduler-maintenance-pubsub.json");
        if (body != null) {
            ((ObjectNode) ce.path("data").path("message"))
                    .put("data", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        }
        return GcpEvents.cloudEvent(ce);
    }

    private MaintenanceService.Report tick(CloudEvent event) {
        return function(db.server().port()).run(event);
    }

    @Test
    void aTick_rollsUpTheClosedMinutes_andCreatesPartitionsAhead() throws Exception {
        MaintenanceService.Report report = tick(event(null));

        assertThat(report.dryRun()).isFalse();
        assertThat(report.complete()).isTrue();
        assertThat(report.minutesRolled()).isEqualTo(2);
        assertThat(report.hoursRolled()).isEqualTo(1);
        assertThat(report.partitionsCreated()).contains(MaintenanceFixture.LAST_PARTITION_AHEAD);
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("2/1");
        assertThat(metrics).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 0.0));
    }

    @Test
    void aSecondTick_changesNothing() throws Exception {
        tick(event(null));

        MaintenanceService.Report again = tick(event(null));

        assertThat(again.minutesRolled()).isZero();
        assertThat(again.hoursRolled()).isZero();
        assertThat(again.partitionsCreated()).isEmpty();
        assertThat(again.partitionsDropped()).isEmpty();
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("2/1");
    }

    @Test
    void aDryRunBody_reportsTheRunWithoutChangingAnything() throws Exception {
        MaintenanceService.Report plan = tick(event("{\"dryRun\": true}"));

        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.minutesRolled()).isEqualTo(2);
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("0/0");
        assertThat(MaintenanceFixture.partitionExists(db, MaintenanceFixture.LAST_PARTITION_AHEAD))
                .isFalse();
    }

    @Test
    void aBadBody_isRefusedNamingTheField_andChangesNothing() throws Exception {
        CloudEvent bad = event("{\"dryRun\": \"yes\"}");

        assertThatThrownBy(() -> tick(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message.data.dryRun");
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("0/0");
    }

    @Test
    void anUnreachableDatabase_publishesAFailure_andThrowsSoPubSubRedelivers() throws Exception {
        MaintenanceFunction function = function(TestRuntimes.freePort());
        CloudEvent event = event(null);

        assertThatThrownBy(() -> function.accept(event)).isInstanceOf(MaintenanceException.class);
        assertThat(metrics).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 1.0));
    }
}
