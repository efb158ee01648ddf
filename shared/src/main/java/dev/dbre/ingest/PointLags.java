package dev.dbre.ingest;

import java.util.Arrays;

/**
 * How old the metric values of one ingest batch were when the batch began storing them (that
 * time minus each value's own timestamp, or its record's arrival time when the line has none),
 * counted in fixed bins: what {@code ingest_batches.point_lag_counts} holds and what the SLO
 * report's ingest freshness ({@code count: fresh, within: N}) reads.
 *
 * <p>Bin {@code i} counts the values with {@code EDGES_SECONDS[i-1] < lag <= EDGES_SECONDS[i]}
 * (bin 0: lag at most 1 s, a value from the future included); the last bin counts the values
 * older than the last edge. "Within N" is exact when N is an edge; otherwise it counts the bins up
 * to the largest edge not above N (a lower bound: no stale value is ever counted fresh).
 *
 * <p>Not thread-safe: one per ingest transaction, like the COPY buffers it sits beside.
 */
public final class PointLags {
    /**
     * Bin edges in seconds: the freshness limits an SLO is likely to name (seconds to a day), dense
     * where ingest delays usually are.
     */
    public static final long[] EDGES_SECONDS = {
        1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400
    };

    private static final long[] EDGES_MICROS = new long[EDGES_SECONDS.length];

    static {
        for (int i = 0; i < EDGES_SECONDS.length; i++) {
            EDGES_MICROS[i] = EDGES_SECONDS[i] * 1_000_000L;
        }
    }

    private final long[] counts = new long[EDGES_SECONDS.length + 1];
    private long storingMicros;

    /** Starts a batch that began storing at {@code storingMicros} (the same unit as the values' times). */
    public void start(long storingMicros) {
        this.storingMicros = storingMicros;
        Arrays.fill(counts, 0);
    }

    /** Counts {@code values} values stamped {@code tsMicros}. */
    public void add(long tsMicros, int values) {
        long lag = storingMicros - tsMicros;
        int bin = 0;
        // At most 24 comparisons, usually one or two: plain and allocation-free on the ingest path.
        while (bin < EDGES_MICROS.length && lag > EDGES_MICROS[bin]) {
            bin++;
        }
        counts[bin] += values;
    }

    /** A copy of the counts, one per bin ({@code EDGES_SECONDS.length + 1}). */
    public long[] counts() {
        return counts.clone();
    }

    /** The number of bins whose values are at most {@code limitSeconds} old (the first that many bins). */
    public static int binsWithin(long limitSeconds) {
        int n = 0;
        while (n < EDGES_SECONDS.length && EDGES_SECONDS[n] <= limitSeconds) {
            n++;
        }
        return n;
    }
}
