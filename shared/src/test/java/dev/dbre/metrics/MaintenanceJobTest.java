package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The maintenance functions' operation: its failure metric and what it rethrows. */
@ExtendWith(PostgresExtension.class)
class MaintenanceJobTest {
    private final TestDatabase db;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final List<Map<String, Double>> published = new ArrayList<>();
    private final MetricsPublisher metrics = (dims, values) -> {
        assertThat(dims).containsEntry("function", "maintenance");
        published.add(Map.of(values.get(0).name(), values.get(0).value()));
    };

    MaintenanceJobTest(TestDatabase db) {
        this.db = db;
    }

    @Test
    void aRun_publishesNoFailure() {
        MaintenanceJob job = new MaintenanceJob(
                new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS), metrics, clock);

        MaintenanceService.Report r = job.run(Duration.ofSeconds(60), false);

        assertThat(r.complete()).isTrue();
        assertThat(published).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 0.0));
    }

    @Test
    void aDatabaseFault_publishesAFailure_andIsRethrown() {
        ConnectionFactory down = () -> {
            throw new SQLException("connection refused", "08001");
        };
        MaintenanceJob job =
                new MaintenanceJob(new MaintenanceService(down, MetricStoreSettings.DEFAULTS), metrics, clock);

        assertThatThrownBy(() -> job.run(Duration.ofSeconds(60), false))
                .isInstanceOfSatisfying(
                        MaintenanceException.class,
                        e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("connection refused");
        assertThat(published).containsExactly(Map.of(MetricNames.MAINTENANCE_FAILURES, 1.0));
    }

    @Test
    void lessTimeThanTheMargin_rollsNothingUp_butStillAnswers() {
        MaintenanceJob job = new MaintenanceJob(
                new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS), metrics, clock);

        MaintenanceService.Report r = job.run(Duration.ofSeconds(3), false);

        assertThat(r.complete()).isFalse();
        assertThat(r.minutesRolled()).isZero();
    }
}
