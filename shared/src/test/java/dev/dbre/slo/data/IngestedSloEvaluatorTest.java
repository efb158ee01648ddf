package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.slo.SliData;
import dev.dbre.slo.SloEvaluatorTest;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The evaluator's hand-computed scenarios through the real store: each point becomes a DogStatsD
 * line with its {@code |T} timestamp (counts as {@code c}, values as a distribution {@code d}),
 * stored by {@link dev.dbre.ingest.IngestService} in one batch per UTC day arriving at its start, rolled
 * up by a {@link MaintenanceService} run at that time (which also drops what is past retention),
 * and read back by {@link DatabaseSliData} through the metric store's query API.
 */
@ExtendWith(PostgresExtension.class)
class IngestedSloEvaluatorTest extends SloEvaluatorTest {
    private final TestDatabase db;

    IngestedSloEvaluatorTest(TestDatabase db) {
        this.db = db;
    }

    @Override
    protected Store store() {
        try {
            Ingested.clean(db);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        // The lines of each UTC day, stored as that day's batch: points are accepted from two days
        // back to three ahead (TOO_OLD, TOO_NEW), and a scenario's window spans up to 30 days.
        TreeMap<Long, StringBuilder> linesByDay = new TreeMap<>();
        return new Store() {
            @Override
            public Store count(MetricSource source, Instant at, double amount) {
                return line(source, at, amount, "c");
            }

            @Override
            public Store value(MetricSource source, Instant at, double value) {
                return line(source, at, value, "d");
            }

            private Store line(MetricSource source, Instant at, double value, String type) {
                assertThat(at.getNano()).as("|T takes whole seconds").isZero();
                StringBuilder lines = linesByDay.computeIfAbsent(
                        Math.floorDiv(at.getEpochSecond(), 86_400L), d -> new StringBuilder());
                lines.append(source.dbre().subject())
                        .append(':')
                        .append(BigDecimal.valueOf(value).stripTrailingZeros().toPlainString())
                        .append('|')
                        .append(type);
                Map<String, String> tags = source.dbre().tags();
                if (!tags.isEmpty()) {
                    lines.append("|#");
                    tags.forEach((k, v) -> lines.append(k).append(':').append(v).append(','));
                    lines.setLength(lines.length() - 1);
                }
                lines.append("|T").append(at.getEpochSecond()).append('\n');
                return this;
            }

            @Override
            public SliData readAt(Instant at) {
                // Each day's batch arrives at the start of its day: its points are then fresh.
                linesByDay.forEach((day, lines) -> Ingested.store(
                        db, new MutableClock(Instant.ofEpochSecond(day * 86_400L)), Ingested.SOURCE, lines.toString()));
                linesByDay.clear();
                try {
                    MaintenanceService.Report run =
                            new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS).run(at);
                    assertThat(run.complete()).isTrue();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return Ingested.data(db);
            }
        };
    }
}
