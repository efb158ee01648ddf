package dev.dbre.slo.data;

import dev.dbre.slo.SliData;
import dev.dbre.slo.SliDataContract;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link DatabaseSliData} passes the port's contract: what a test counts goes through the real
 * ingest path (one batch of JSON lines, counters as {@code c}, values as a distribution {@code d})
 * into the aggregated metric store, and is read back through its query API.
 */
@ExtendWith(PostgresExtension.class)
class DatabaseSliDataContractTest extends SliDataContract {
    private final TestDatabase db;

    DatabaseSliDataContractTest(TestDatabase db) {
        this.db = db;
    }

    @Override
    protected Writer writer() {
        try {
            Ingested.clean(db);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder lines = new StringBuilder();
        return new Writer() {
            @Override
            public void count(MetricSource source, Instant at, double amount) {
                line(source, at, amount, "c");
            }

            @Override
            public void value(MetricSource source, Instant at, double value) {
                line(source, at, value, "d");
            }

            private void line(MetricSource source, Instant at, double value, String type) {
                lines.append("{\"name\":\"")
                        .append(source.dbre().subject())
                        .append("\",\"value\":")
                        .append(value)
                        .append(",\"type\":\"")
                        .append(type)
                        .append("\",\"ts\":")
                        .append(at.toEpochMilli())
                        .append("}\n");
            }

            @Override
            public SliData data() {
                if (!lines.isEmpty()) {
                    Ingested.store(db, new MutableClock(T0.plusSeconds(600)), Ingested.SOURCE, lines.toString());
                    lines.setLength(0);
                }
                return Ingested.data(db);
            }
        };
    }
}
