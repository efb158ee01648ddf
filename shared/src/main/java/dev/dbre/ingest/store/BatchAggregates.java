package dev.dbre.ingest.store;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.SeriesType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregates of one ingest transaction: per series (name, type, canonical tags) and interval
 * bucket, an {@link Aggregate}. Lines are looked up by their UTF-8 slices in an open-addressing
 * table, so a line of a series already seen in the batch allocates nothing.
 *
 * <p>A series not in the {@link SeriesCache} when first seen may be new: its lines are copied
 * (raw bytes, record, line number) so that the cardinality guard can turn them into rejects later.
 *
 * <p>Not thread-safe: one per worker, cleared per transaction.
 */
public final class BatchAggregates {
    private static final MetricType[] METRIC_TYPES = MetricType.values();
    private static final SeriesType[] SERIES_TYPES = {
        SeriesType.COUNT,
        SeriesType.GAUGE,
        SeriesType.TIMER,
        SeriesType.HISTOGRAM,
        SeriesType.DISTRIBUTION,
        SeriesType.SET
    };

    private final long intervalMicros;
    private final SeriesCache cache;
    private Series[] slots = new Series[256];
    private final List<Series> series = new ArrayList<>();

    private int recordSlot;
    private long recordId;
    private long arrivalMicros;

    /** @param intervalSeconds the bucket width */
    public BatchAggregates(int intervalSeconds, SeriesCache cache) {
        this.intervalMicros = intervalSeconds * 1_000_000L;
        this.cache = cache;
        if (METRIC_TYPES.length != SERIES_TYPES.length) {
            throw new IllegalStateException("every metric type needs its series type");
        }
    }

    /** Forgets everything (a new transaction). */
    public void clear() {
        if (!series.isEmpty()) {
            Arrays.fill(slots, null);
            series.clear();
        }
    }

    /** The lines that follow belong to the new record {@code slot} (its index among the new records). */
    public void startRecord(int slot, long id, long arrivalPgMicros) {
        this.recordSlot = slot;
        this.recordId = id;
        this.arrivalMicros = arrivalPgMicros;
    }

    /** Adds a metric line (already checked: a name, a type, no NUL, a timestamp in range). */
    public void metric(ParsedLine l, long tsPgMicros) {
        SeriesType type = SERIES_TYPES[l.type.ordinal()];
        Series s = find(l, type);
        Aggregate a = s.bucket(Math.floorDiv(tsPgMicros, intervalMicros) * intervalMicros);
        if (type == SeriesType.SET) {
            a.addMember(l.buf, l.memberOff, Math.max(0, l.memberLen));
            s.keep(l, 1, recordSlot, recordId, arrivalMicros);
            return;
        }
        for (int i = 0; i < l.valueCount; i++) {
            a.addValue(l.values[i], l.rate, tsPgMicros);
        }
        s.keep(l, l.valueCount, recordSlot, recordId, arrivalMicros);
    }

    /** Adds a service check line (already checked). */
    public void check(ParsedLine l, long tsPgMicros) {
        Series s = find(l, SeriesType.SERVICE_CHECK);
        s.bucket(Math.floorDiv(tsPgMicros, intervalMicros) * intervalMicros).addStatus(l.status);
        s.keep(l, PendingLine.CHECK, recordSlot, recordId, arrivalMicros);
    }

    /** Every series of this transaction, in order of first appearance. */
    public List<Series> series() {
        return series;
    }

    private Series find(ParsedLine l, SeriesType type) {
        int h = hash(l, type);
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Series s = slots[i];
            if (s == null) {
                return add(l, type, h, i);
            }
            if (s.hash == h && s.matches(l, type)) {
                return s;
            }
        }
    }

    private Series add(ParsedLine l, SeriesType type, int h, int slot) {
        Series s = new Series(key(l, type), h, type);
        Long id = cache.get(s.key, h);
        if (id != null) {
            s.id = id;
        } else {
            s.pending = new ArrayList<>();
        }
        slots[slot] = s;
        series.add(s);
        if (series.size() * 2 > slots.length) {
            grow();
        }
        return s;
    }

    private void grow() {
        Series[] bigger = new Series[slots.length * 2];
        int mask = bigger.length - 1;
        for (Series s : series) {
            int i = s.hash & mask;
            while (bigger[i] != null) {
                i = (i + 1) & mask;
            }
            bigger[i] = s;
        }
        slots = bigger;
    }

    // Key layout: type ordinal, name, then each tag, each followed by a 0 byte (a stored name or
    // tag never holds one: the sink rejects such lines first).
    private static byte[] key(ParsedLine l, SeriesType type) {
        int len = 1 + l.nameLen + 1;
        for (int t = 0; t < l.tagCount; t++) {
            len += l.tagLen[t] + 1;
        }
        byte[] k = new byte[len];
        k[0] = (byte) type.ordinal();
        System.arraycopy(l.buf, l.nameOff, k, 1, l.nameLen);
        int p = 1 + l.nameLen + 1;
        for (int t = 0; t < l.tagCount; t++) {
            System.arraycopy(l.buf, l.tagOff[t], k, p, l.tagLen[t]);
            p += l.tagLen[t] + 1;
        }
        return k;
    }

    static int hash(ParsedLine l, SeriesType type) {
        long h = Words.hash(type.ordinal(), l.buf, l.nameOff, l.nameLen);
        for (int t = 0; t < l.tagCount; t++) {
            h = Words.hash(h, l.buf, l.tagOff[t], l.tagLen[t]);
        }
        return (int) (h ^ (h >>> 32));
    }

    /** One series of the transaction: its key, its id once known, its aggregates per bucket. */
    public static final class Series {
        final byte[] key;
        final int hash;
        final SeriesType type;
        /** The {@code metric_series.id}, or -1 while unknown. */
        long id = -1;
        /** Refused by the cardinality guard: its lines are rejects, its aggregates are not written. */
        boolean refused;
        /** The lines of a series not in the cache when first seen (for the guard's rejects). */
        List<PendingLine> pending;

        private long currentBucket = Long.MIN_VALUE;
        private Aggregate current;
        private final Map<Long, Aggregate> buckets = new HashMap<>(4);

        Series(byte[] key, int hash, SeriesType type) {
            this.key = key;
            this.hash = hash;
            this.type = type;
        }

        Aggregate bucket(long bucketPgMicros) {
            if (bucketPgMicros != currentBucket) {
                currentBucket = bucketPgMicros;
                current = buckets.computeIfAbsent(bucketPgMicros, b -> new Aggregate(type));
            }
            return current;
        }

        /** The aggregates by bucket start (PostgreSQL microseconds). */
        public Map<Long, Aggregate> buckets() {
            return buckets;
        }

        public SeriesType type() {
            return type;
        }

        public long id() {
            return id;
        }

        /** The metric (or check) name. */
        public String name() {
            int end = 1;
            while (key[end] != 0) {
                end++;
            }
            return new String(key, 1, end - 1, StandardCharsets.UTF_8);
        }

        /** The canonical tags. */
        public String[] tags() {
            List<String> tags = new ArrayList<>();
            int i = 1;
            while (key[i] != 0) {
                i++;
            }
            i++;
            while (i < key.length) {
                int end = i;
                while (key[end] != 0) {
                    end++;
                }
                tags.add(new String(key, i, end - i, StandardCharsets.UTF_8));
                i = end + 1;
            }
            return tags.toArray(new String[0]);
        }

        void keep(ParsedLine l, int points, int slot, long recordId, long arrivalMicros) {
            if (pending != null) {
                pending.add(new PendingLine(slot, recordId, arrivalMicros, l.lineNumber, points, l.rawLine()));
            }
        }

        boolean matches(ParsedLine l, SeriesType t) {
            byte[] k = key;
            if (k[0] != (byte) t.ordinal()) {
                return false;
            }
            int p = 1;
            if (!slice(k, p, l.buf, l.nameOff, l.nameLen)) {
                return false;
            }
            p += l.nameLen + 1;
            for (int i = 0; i < l.tagCount; i++) {
                if (!slice(k, p, l.buf, l.tagOff[i], l.tagLen[i])) {
                    return false;
                }
                p += l.tagLen[i] + 1;
            }
            return p == k.length;
        }

        private static boolean slice(byte[] k, int p, byte[] b, int off, int len) {
            if (p + len >= k.length || k[p + len] != 0) {
                return false;
            }
            return Words.equal(k, p, b, off, len);
        }
    }

    /**
     * A line kept in case its series is refused: where it came from, the points it counted ({@link
     * #CHECK} for a service check) and its bytes.
     */
    record PendingLine(int recordSlot, long recordId, long arrivalMicros, int line, int points, byte[] raw) {
        static final int CHECK = -1;
    }
}
