package dev.dbre.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.metrics.SeriesType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Series are told apart by their bytes, never by their hash alone. */
class BatchAggregatesTest {
    private static final long TS = 1_000_000_000L;

    @Test
    void twoSeriesWithTheSameHash_stayTwoSeries_inTheBatchAndInTheCache() {
        String[] pair = collidingNames();
        assertThat(pair[0]).isNotEqualTo(pair[1]);
        assertThat(BatchAggregates.hash(line(pair[0], 1), SeriesType.COUNT))
                .isEqualTo(BatchAggregates.hash(line(pair[1], 1), SeriesType.COUNT));

        SeriesCache cache = new SeriesCache(100);
        BatchAggregates batch = new BatchAggregates(10, cache);
        batch.startRecord(0, 1, TS);
        batch.metric(line(pair[0], 1), TS);
        batch.metric(line(pair[1], 2), TS);
        batch.metric(line(pair[1], 4), TS);

        List<BatchAggregates.Series> series = batch.series();
        assertThat(series).hasSize(2);
        assertThat(series.get(0).name()).isEqualTo(pair[0]);
        assertThat(series.get(1).name()).isEqualTo(pair[1]);
        assertThat(series.get(0).buckets().values().iterator().next().sum()).isEqualTo(1);
        assertThat(series.get(1).buckets().values().iterator().next().sum()).isEqualTo(6);

        // Only the first gets an id and is cached: the second, same hash, must not take its id.
        series.get(0).id = 42;
        new SeriesRegistry(cache, 100).remember(batch);
        batch.clear();
        batch.metric(line(pair[1], 8), TS);
        batch.metric(line(pair[0], 16), TS);
        assertThat(batch.series().get(0).id()).isEqualTo(-1);
        assertThat(batch.series().get(1).id()).isEqualTo(42);
    }

    /** Two metric names whose series keys hash alike (found by search: 32-bit hashes collide soon). */
    private static String[] collidingNames() {
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; ; i++) {
            String name = "collide." + i;
            String before = seen.putIfAbsent(BatchAggregates.hash(line(name, 1), SeriesType.COUNT), name);
            if (before != null) {
                return new String[] {before, name};
            }
        }
    }

    private static ParsedLine line(String name, double value) {
        byte[] b = (name + ":" + value + "|c").getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        l.reset(b, 1, 0, b.length);
        l.kind = ParsedLine.Kind.METRIC;
        l.nameOff = 0;
        l.nameLen = name.length();
        l.type = MetricType.COUNT;
        l.values[0] = value;
        l.valueCount = 1;
        return l;
    }
}
