package dev.dbre.ingest.store;

import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.LineConsumer;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import dev.dbre.metrics.Aggregate;
import java.time.Instant;

/**
 * The aggregation step of an ingest transaction without a database, for benchmarks: parse a
 * record's DogStatsD bytes into the sink the service uses (raw points off) and its batch
 * aggregates. {@link #warmCache} gives every series seen so far an id in the series cache, as a
 * warm function instance has them, so that lines are not kept for the cardinality guard.
 */
public final class AggregationDriver {
    private final SeriesCache cache = new SeriesCache(1_000_000);
    private final BatchAggregates aggregates = new BatchAggregates(10, cache);
    private final BinaryCopySink sink = new BinaryCopySink(false, aggregates);
    private final LineConsumer consumer = sink::accept;
    private final PayloadParser parser = new PayloadParser(ParseLimits.DEFAULTS);
    private final Instant arrival;
    private long nextId = 1;

    public AggregationDriver(Instant arrival) {
        this.arrival = arrival;
    }

    /**
     * Parses and aggregates {@code records} as one transaction's new records, then encodes every
     * aggregate's state as the writer does for its row.
     *
     * @return the bytes of encoded state (so that the work cannot be optimised away)
     */
    public long aggregate(byte[][] records) {
        aggregates.clear();
        for (int i = 0; i < records.length; i++) {
            sink.startRecord(i + 1, arrival);
            aggregates.startRecord(i, i + 1, BinaryCopySink.pgMicros(arrival));
            parser.parse(records[i], 0, records[i].length, PayloadFormat.DOGSTATSD, consumer);
        }
        long bytes = 0;
        for (BatchAggregates.Series s : aggregates.series()) {
            for (Aggregate a : s.buckets().values()) {
                byte[] state = a.encodeState();
                bytes += state == null ? 0 : state.length;
            }
        }
        return bytes;
    }

    /** The series of the last {@link #aggregate}. */
    public int seriesCount() {
        return aggregates.series().size();
    }

    /** Gives every series of the last {@link #aggregate} an id, as if its transaction committed. */
    public void warmCache() {
        for (BatchAggregates.Series s : aggregates.series()) {
            if (s.id < 0) {
                s.id = nextId++;
            }
        }
        new SeriesRegistry(cache, Integer.MAX_VALUE).remember(aggregates);
    }
}
