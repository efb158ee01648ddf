package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * run-local's metric store stages on a small generated stream: the query API's figures match the
 * generator's exact totals, and a store that lost data fails the stage naming what differs.
 */
class MetricStoreStagesTest {
    private final Clock clock = Clock.systemUTC();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private RunContext storedStream(TestDatabase db) {
        MetricStoreSettings store = LocalRun.metricStore();
        IngestService ingest = new IngestService(db.connections(), ParseLimits.DEFAULTS, store, clock);
        MetricsPublisher none = (dims, metrics) -> {};
        LocalRun.Options options = new LocalRun.Options();
        options.verbose = true; // the tables and the counts per type are detail lines
        RunContext ctx = new RunContext(
                options,
                db.server(),
                db.name(),
                ingest,
                store,
                none,
                clock,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        MetricStreamGenerator generator = new MetricStreamGenerator(7, 0.01, clock);
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(new SourceRecord(
                    "shard-1",
                    Integer.toString(i),
                    clock.instant(),
                    generator.nextRecord(1000),
                    PayloadFormat.DOGSTATSD));
        }
        ingest.ingest(new IngestBatch("test:metric-store-stages", records));
        ctx.expected = generator.expected();
        return ctx;
    }

    @Test
    void theQueryApi_answersTheGeneratorsTotals_afterMaintenance() throws Exception {
        RunContext ctx = storedStream(PostgresExtension.newDatabase());

        MetricStoreStages.maintain(ctx);
        String summary = MetricStoreStages.queryFigures(ctx);

        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary).isEqualTo("the query API answers what the generator wrote");
        assertThat(out)
                .contains("metric_agg_1h")
                .contains("c  count: generated")
                .contains("p99 of http.request.duration");
        assertThat(ctx.figures().get("query API")).startsWith("7 types' counts exact; p99 of http.request.duration");
        assertThat(ctx.figures().get("rollups")).contains("metric_agg_1h");
    }

    @Test
    void aStoreThatLostASeriesRows_failsTheStage_namingTheMetric() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        RunContext ctx = storedStream(db);
        MetricStoreStages.maintain(ctx);
        for (String table : List.of("metric_agg", "metric_agg_1m", "metric_agg_1h")) {
            db.execute("delete from " + table
                    + " where series_id in (select id from metric_series where name = 'cache.hits')");
        }

        assertThatThrownBy(() -> MetricStoreStages.queryFigures(ctx))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the query API does not answer what was generated")
                .hasMessageContaining("cache.hits count: generated");
    }
}
