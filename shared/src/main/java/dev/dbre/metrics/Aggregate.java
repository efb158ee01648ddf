package dev.dbre.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.agkn.hll.HLL;

/**
 * The aggregate of one series over some time: what {@code metric_agg*} rows hold, mergeable in any
 * order (merging partial aggregates gives the aggregate of the whole, except a gauge's last value
 * when two samples share the latest timestamp: then the larger value wins, so the answer does not
 * depend on the order either).
 *
 * <p>By type ({@link SeriesType}): counts sum {@code value / rate} (so {@code 1:c|@0.1} counts
 * 10, as the Datadog Agent does); gauges keep the last value by timestamp and min, max, count,
 * sum; timers, histograms and distributions keep a DDSketch ({@link Sketches}) and the exact
 * weighted count and sum and exact min and max, each value weighted by {@code 1 / rate}; sets keep
 * an HLL sketch of their members' hashes; service checks count per status.
 *
 * <p>Not thread-safe.
 */
public final class Aggregate {
    private final SeriesType type;
    private double n;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double last = Double.NaN;
    private long lastTs = Long.MIN_VALUE;
    private DDSketch quantiles;
    // A quantile type's values wait here and enter the sketch together, once their range is known
    // (Sketches.quantilesOf): the sketch is built when first read (quantiles()).
    private double[] pending; // value, weight, value, weight...
    private int pendingCount;
    private HLL distinct;
    private long[] statuses;

    public Aggregate(SeriesType type) {
        this.type = type;
    }

    public SeriesType type() {
        return type;
    }

    /**
     * Adds one value of a metric sample.
     *
     * @param rate the sample rate in (0, 1]
     * @param tsMicros the sample's time (any consistent unit; only compared)
     */
    public void addValue(double value, double rate, long tsMicros) {
        switch (type) {
            case COUNT -> {
                n += 1 / rate;
                sum += value / rate;
            }
            case GAUGE -> {
                n += 1;
                sum += value;
                minMax(value);
                if (tsMicros >= lastTs) { // a later line of the same time wins, as the Agent's "last"
                    lastTs = tsMicros;
                    last = value;
                }
            }
            case TIMER, HISTOGRAM, DISTRIBUTION -> {
                double w = 1 / rate;
                n += w;
                sum += value * w;
                minMax(value);
                if (Math.abs(value) <= Sketches.MAX_TRACKABLE) {
                    keepForSketch(value, w);
                } else {
                    quantiles().accept(value, w); // the sketch's own error for this line, as before
                }
            }
            case SET -> throw new IllegalStateException("a set takes members, not values");
            case SERVICE_CHECK -> throw new IllegalStateException("a service check takes statuses, not values");
        }
    }

    /** Adds a set member (UTF-8 bytes {@code [off, off+len)} of {@code buf}). */
    public void addMember(byte[] buf, int off, int len) {
        n += 1;
        distinctSketch().addRaw(Sketches.memberHash(buf, off, len));
    }

    /** Adds one service check run with {@code status} 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
    public void addStatus(int status) {
        n += 1;
        statusCounts()[status]++;
    }

    /** Merges another aggregate of the same series type into this one. */
    public void merge(Aggregate o) {
        if (o.type != type) {
            throw new IllegalArgumentException("cannot merge a " + o.type + " aggregate into a " + type + " one");
        }
        n += o.n;
        sum += o.sum;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        mergeLast(o.last, o.lastTs);
        DDSketch other = o.quantileSketch();
        if (other != null) {
            quantiles().mergeWith(other);
        }
        if (o.distinct != null) {
            distinctSketch().union(o.distinct);
        }
        if (o.statuses != null) {
            long[] s = statusCounts();
            for (int i = 0; i < 4; i++) {
                s[i] += o.statuses[i];
            }
        }
    }

    /** Merges a stored row (the columns of {@code metric_agg*}). */
    public void mergeRow(double n, Double sum, Double min, Double max, Double last, Long lastTs, byte[] state) {
        this.n += n;
        if (sum != null) {
            this.sum += sum;
        }
        if (min != null) {
            this.min = Math.min(this.min, min);
        }
        if (max != null) {
            this.max = Math.max(this.max, max);
        }
        if (last != null && lastTs != null) {
            mergeLast(last, lastTs);
        }
        if (state != null) {
            if (type.hasQuantiles()) {
                Sketches.mergeEncoded(quantiles(), state);
            } else if (type == SeriesType.SET) {
                distinctSketch().union(Sketches.decodeDistinct(state));
            } else if (type == SeriesType.SERVICE_CHECK) {
                ByteBuffer b = ByteBuffer.wrap(state);
                long[] s = statusCounts();
                for (int i = 0; i < 4; i++) {
                    s[i] += b.getLong();
                }
            }
        }
    }

    private void mergeLast(double value, long ts) {
        if (Double.isNaN(value) || ts == Long.MIN_VALUE) {
            return;
        }
        if (ts > lastTs || (ts == lastTs && (Double.isNaN(last) || value > last))) {
            lastTs = ts;
            last = value;
        }
    }

    private void minMax(double v) {
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    private void keepForSketch(double value, double weight) {
        int at = 2 * pendingCount;
        if (pending == null) {
            pending = new double[32];
        } else if (at == pending.length) {
            pending = Arrays.copyOf(pending, at * 2);
        }
        pending[at] = value;
        pending[at + 1] = weight;
        pendingCount++;
    }

    /** The quantile sketch, created if needed, with every waiting value in it. */
    private DDSketch quantiles() {
        if (quantiles == null) {
            quantiles = pendingCount > 0 ? Sketches.quantilesOf(pending, pendingCount) : Sketches.newQuantiles();
        } else {
            for (int i = 0; i < 2 * pendingCount; i += 2) {
                quantiles.accept(pending[i], pending[i + 1]);
            }
        }
        pendingCount = 0;
        pending = null;
        return quantiles;
    }

    private HLL distinctSketch() {
        if (distinct == null) {
            distinct = Sketches.newDistinct();
        }
        return distinct;
    }

    private long[] statusCounts() {
        if (statuses == null) {
            statuses = new long[4];
        }
        return statuses;
    }

    // --- reading --------------------------------------------------------------------------------

    /** Samples: weighted by 1/rate for counts, timers, histograms, distributions. */
    public double n() {
        return n;
    }

    /** The count of a count; the (weighted) sum of the values otherwise; 0 for sets and checks. */
    public double sum() {
        return sum;
    }

    /** The smallest value, or null for none (or a type without values). */
    public Double min() {
        return min == Double.POSITIVE_INFINITY ? null : min;
    }

    public Double max() {
        return max == Double.NEGATIVE_INFINITY ? null : max;
    }

    /** A gauge's value with the latest timestamp, or null. */
    public Double last() {
        return Double.isNaN(last) ? null : last;
    }

    /** The timestamp of {@link #last()}, or null. */
    public Long lastTs() {
        return lastTs == Long.MIN_VALUE ? null : lastTs;
    }

    /** The quantile sketch (timers, histograms, distributions), or null when none was added. */
    public DDSketch quantileSketch() {
        return quantiles == null && pendingCount == 0 ? null : quantiles();
    }

    /** Estimated distinct members of a set (0 for none). */
    public double distinctCount() {
        return distinct == null ? 0 : distinct.cardinality();
    }

    /** Service check runs with {@code status} (0..3). */
    public long statusCount(int status) {
        return statuses == null ? 0 : statuses[status];
    }

    /** The stored {@code state} column: the sketch or the status counts, or null. */
    public byte[] encodeState() {
        if (quantiles == null && pendingCount > 0) {
            // The usual case at ingest: only waiting values, encoded without building the sketch.
            return Sketches.encodeQuantilesOf(pending, pendingCount);
        }
        DDSketch q = quantileSketch();
        if (q != null) {
            return Sketches.encode(q);
        }
        if (distinct != null) {
            return distinct.toBytes();
        }
        if (statuses != null) {
            ByteBuffer b = ByteBuffer.allocate(32);
            for (long s : statuses) {
                b.putLong(s);
            }
            return b.array();
        }
        return null;
    }
}
