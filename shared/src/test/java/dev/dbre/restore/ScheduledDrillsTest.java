package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.SimulatedSnapshotProvider;
import dev.dbre.config.ConfigException;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.RestoreProgress;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ScheduledDrillsTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void aDrillOverItsRto_isFlaggedInTheSummaryOfTheTickThatVerifiedIt() throws Exception {
        Path file = policyFile(FleetDrillsTest.POLICY.replace("rto: 4h", "rto: 10m"));
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = FleetDrillsTest.ordersDatabase(200);
        MutableClock clock = new MutableClock(T0);
        RestoreProgress restoring = new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "restoring");
        RestoreProgress available = new RestoreProgress(RestoreProgress.State.AVAILABLE, "fake.host", 5432, "up");
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(1)), T0)
                .progress(restoring, restoring, restoring, available)
                .restoredDatabase(source.connections());
        ScheduledDrills drills = drills(file, runs, source, restores, clock);

        List<ObjectNode> ticks = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ticks.add(drills.tick(clock, Duration.ofMinutes(1)));
            clock.advance(Duration.ofMinutes(5));
        }

        List<JsonNode> flagged = ticks.stream()
                .flatMap(t ->
                        java.util.stream.StreamSupport.stream(t.path("overRto").spliterator(), false))
                .toList();
        assertThat(ticks).allMatch(t -> t.path("overRto").isArray());
        assertThat(flagged).as(ticks.toString()).hasSize(1);
        JsonNode breach = flagged.get(0);
        assertThat(breach.path("database").asText()).isEqualTo("a");
        assertThat(breach.path("kind").asText()).isEqualTo("pitr");
        assertThat(breach.path("rtoSeconds").asDouble()).isEqualTo(600.0);
        assertThat(breach.path("recoverySeconds").asDouble()).isGreaterThan(600.0);
        assertThat(runs.queryLong("select count(*) from drill_results where over_rto and run_id = '"
                        + breach.path("runId").asText() + "'"))
                .isEqualTo(1);
    }

    private static Path policyFile(String text) throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Path file = Files.createTempFile(tmp, "fleet", ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private static ScheduledDrills drills(
            Path file, TestDatabase runs, TestDatabase source, FakeRestoreProvider restores, MutableClock clock) {
        SimulatedSnapshotProvider listing = new SimulatedSnapshotProvider(clock)
                .addDatabase(
                        new DatabaseRef("a", "rds-instance", "eu-west-1", Map.of("dbre:backup-policy", "gold"), false));
        FleetDrills fleet = new FleetDrills(
                new RestoreService(restores, runs.connections(), (d, m) -> {}),
                listing,
                (db, name) -> source.connections(),
                runs.connections(),
                (d, m) -> {});
        return ScheduledDrills.fleet(
                fleet,
                new PolicySource("DBRE_BACKUP_POLICY", PolicyLocation.parse(file.toString()), PolicySource.FILES));
    }

    @Test
    void aPolicyThatBecameInvalid_failsTheTick_afterTheRunningDrillsWereAdvanced() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Path file = Files.createTempFile(tmp, "fleet", ".yaml");
        Files.writeString(file, FleetDrillsTest.POLICY);
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = FleetDrillsTest.ordersDatabase(200);
        MutableClock clock = new MutableClock(T0);
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(1)), T0)
                .restoredDatabase(source.connections());
        SimulatedSnapshotProvider listing = new SimulatedSnapshotProvider(clock)
                .addDatabase(
                        new DatabaseRef("a", "rds-instance", "eu-west-1", Map.of("dbre:backup-policy", "gold"), false));
        FleetDrills fleet = new FleetDrills(
                new RestoreService(restores, runs.connections(), (d, m) -> {}),
                listing,
                (db, name) -> source.connections(),
                runs.connections(),
                (d, m) -> {});
        ScheduledDrills drills = ScheduledDrills.fleet(
                fleet,
                new PolicySource("DBRE_BACKUP_POLICY", PolicyLocation.parse(file.toString()), PolicySource.FILES));

        ObjectNode first = drills.tick(clock, Duration.ofMinutes(1));
        Files.writeString(file, FleetDrillsTest.POLICY.replace("every: 7d", "every: soon"));
        clock.advance(Duration.ofMinutes(5));

        assertThat(first.path("started").get(0).path("database").asText()).isEqualTo("a");
        assertThat(first.path("runs").get(0).path("state").asText()).isEqualTo("RESTORING");
        assertThatThrownBy(() -> drills.tick(clock, Duration.ofMinutes(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("drill.every");
        assertThat(runs.queryLong("select count(*) from restore_runs where state = 'AVAILABLE'"))
                .as("advanced all the same")
                .isEqualTo(1);
    }
}
