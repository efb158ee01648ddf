package dev.dbre.azure.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.azure.ingest.TestRuntimes;
import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.config.Env;
import dev.dbre.metrics.MaintenanceException;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.MetricNames;
import dev.dbre.testing.MaintenanceFixture;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sends events/azure/timer-maintenance.json through the function, built from app settings, into the embedded PostgreSQL. */
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
                config,
                clock,
                () -> {
                    throw new AssertionError("no Entra token with DBRE_DB_AUTH=none");
                },
                (dims, values) -> values.forEach(v -> metrics.add(Map.of(v.name(), v.value())))));
    }

    private static String timerInfo() throws IOException {
        return Files.readString(AzureEvents.eventsDir().resolve("timer-maintenance.json"));
    }

    private MaintenanceService.Report tick(String timerInfo) {
        return function(db.server().port()).run(timerInfo, new SimpleExecutionContext("i-1", MaintenanceFunction.NAME));
    }

    @Test
    void aTick_rollsUpTheClosedMinutes_andCreatesPartitionsAhead() throws Exception {
        MaintenanceService.Report report = tick(timerInfo());

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
        tick(timerInfo());

        MaintenanceService.Report again = tick(timerInfo());

        assertThat(again.minutesRolled()).isZero();
        assertThat(again.hoursRolled()).isZero();
        assertThat(again.partitionsCreated()).isEmpty();
        assertThat(again.partitionsDropped()).isEmpty();
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("2/1");
    }

    @Test
    void aDryRun_reportsTheRunWithoutChangingAnything() throws Exception {
        MaintenanceService.Report plan = tick(timerInfo().replace("\"dryRun\": false", "\"dryRun\": true"));

        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.minutesRolled()).isEqualTo(2);
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("0/0");
        assertThat(MaintenanceFixture.partitionExists(db, MaintenanceFixture.LAST_PARTITION_AHEAD))
                .isFalse();
    }

    @Test
    void aBadTimerInfo_isRefusedNamingTheField_andChangesNothing() throws Exception {
        String bad = timerInfo().replace("\"dryRun\": false", "\"dryRun\": \"yes\"");

        assertThatThrownBy(() -> tick(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TimerInfo.dryRun");
        assertThat(MaintenanceFixture.rollupRows(db)).isEqualTo("0/0");
    }

    @Test
    void anUnreachableDatabase_publishesAFailure_andThrows() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MaintenanceFunction function = function(port);
        String info = timerInfo();

        assertThatThrownBy(() -> function.run(info, new SimpleExecutionContext("i-2", MaintenanceFunction.NAME)))
                .isInstanceOf(MaintenanceException.class);
        assertThat(metrics).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 1.0));
    }
}
