package dev.dbre.local;

import dev.dbre.ingest.RejectReason;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic stream of DogStatsD lines that looks like a real service fleet: counters,
 * gauges, timers, histograms, distributions and sets with realistic names and tags, sample rates,
 * packed values, {@code |T} timestamps and {@code |c:} container ids, service checks, a few events,
 * and a share of bad lines of several reject kinds. About one record in ten is newline-delimited
 * JSON instead ({@link #JSON_RECORD_SHARE}): the same metrics as JSON objects (docs/ingest-format.md),
 * with bad objects of their own reject kinds; the handlers read a record starting with '{' as JSON.
 *
 * <p>It counts what it wrote ({@link #stats()}): the points (one per value), checks, events and
 * rejects a correct ingest must store; and it keeps the exact figures the query API must answer
 * ({@link #expected()}: weighted counts and sums per name, distinct set members, check runs, every
 * value of one timer). The same seed and the same clock readings give the same bytes.
 *
 * <p>Timestamps ({@code |T}, a check's {@code d:}, JSON {@code ts}) are relative to the clock, read
 * once per record: most are a few seconds old ({@link #RECENT_LAG_SECONDS}), as a client stamps a
 * point just before sending it, so they count as fresh for the product's ingest-freshness SLO; one
 * in {@link #LATE_ONE_IN} is late, one to three hours old (an agent catching up after an outage),
 * which gives the maintenance stage closed minutes and hours to roll up and the freshness SLI a few
 * stale points, well inside its budget.
 */
public final class MetricStreamGenerator {
    /** A timestamp that is not late is at most this many seconds before its record is made. */
    static final int RECENT_LAG_SECONDS = 10;

    /**
     * One timestamp in this many is late. With one counter or gauge line in twenty stamped, about one
     * point in 800 is stale: the freshness SLO (99 % within 60 s) keeps most of its budget and fires
     * nothing.
     */
    static final int LATE_ONE_IN = 20;

    /**
     * A late timestamp is at least this many seconds old: an hour, so that it always falls in a
     * closed hour, and the maintenance stage always has a closed hour and its minutes to roll up.
     */
    static final int LATE_MIN_SECONDS = 3600;

    /**
     * A late timestamp is less than this many seconds old: three hours are enough to give the
     * maintenance stage closed minutes and hours to roll up (a whole day made it roll up 1,440
     * minutes for the same proof).
     */
    static final int LATE_SPREAD_SECONDS = 3 * 3600;

    /** The share of records written as newline-delimited JSON instead of DogStatsD. */
    static final double JSON_RECORD_SHARE = 0.1;

    private static final String[] ENVS = {"env:prod", "env:prod", "env:prod", "env:staging"};
    private static final String[] SERVICES = {"service:api", "service:billing", "service:search", "service:auth"};
    private static final String[] REGIONS = {"region:eu-west-1", "region:us-east-1", "region:ap-southeast-2"};
    private static final String[] ENDPOINTS = {"endpoint:/v1/orders", "endpoint:/v1/users", "endpoint:/health"};
    private static final String[] CHECKS = {"db.can_connect", "api.http.ok", "queue.consumer.alive"};
    private static final String[] TITLES = {"deploy finished", "failover started", "config reloaded"};
    private static final String[] ALERTS = {"info", "success", "warning", "error"};

    private record Name(String name, String type) {}

    /** Metric names and their types, as a fleet of web services would send them. */
    private static final Name[] METRICS = {
        new Name("http.requests", "c"),
        new Name("http.request.duration", "ms"),
        new Name("http.response.bytes", "h"),
        new Name("db.pool.active", "g"),
        new Name("db.query.duration", "d"),
        new Name("queue.depth", "g"),
        new Name("cache.hits", "c"),
        new Name("cache.misses", "c"),
        new Name("jvm.heap.used", "g"),
        new Name("payment.amount", "d"),
        new Name("users.active", "s"),
    };

    /** The bad JSON objects: each gives exactly its reason (checked by the generator's test). */
    private static final RejectReason[] BAD_JSON_KINDS = {
        RejectReason.EMPTY_NAME,
        RejectReason.BAD_VALUE,
        RejectReason.UNKNOWN_TYPE,
        RejectReason.BAD_SAMPLE_RATE,
        RejectReason.BAD_TIMESTAMP,
        RejectReason.BAD_TAG,
    };

    /** The bad lines: each gives exactly its reason (checked by the generator's test). */
    private static final RejectReason[] BAD_KINDS = {
        RejectReason.EMPTY_NAME,
        RejectReason.BAD_VALUE,
        RejectReason.UNKNOWN_TYPE,
        RejectReason.BAD_SAMPLE_RATE,
        RejectReason.BAD_TIMESTAMP,
        RejectReason.BAD_TAG,
        RejectReason.BAD_FIELD,
        RejectReason.BAD_STATUS,
        RejectReason.BAD_EVENT,
        RejectReason.BAD_UTF8,
    };

    private final SplittableRandom random;
    private final double badShare;
    private final Clock clock;
    /** The clock's reading for the current record, in Unix seconds. */
    private long nowSeconds;

    private final StringBuilder line = new StringBuilder(256);
    private byte[] scratch = new byte[256];

    private long lines;
    private long jsonLines;
    private long points;
    private long checks;
    private long events;
    private final EnumMap<RejectReason, Long> rejects = new EnumMap<>(RejectReason.class);

    /** The timer whose values are all kept, for an exact quantile. */
    static final String QUANTILE_METRIC = "http.request.duration";

    /** Per metric name: weighted count and (counts) weighted sum. */
    private final Map<String, double[]> totals = new HashMap<>();

    private final Map<String, BitSet> members = new HashMap<>();
    private final Map<String, Long> checkRuns = new HashMap<>();
    private double[] quantileValues = new double[1024];
    private int quantileCount;

    /**
     * @param badShare the share of lines that are bad, in [0, 1]
     * @param clock what the timestamps are relative to (tests: a fixed clock, for the same bytes)
     * @throws IllegalArgumentException if badShare is outside [0, 1]
     */
    public MetricStreamGenerator(long seed, double badShare, Clock clock) {
        if (!(badShare >= 0 && badShare <= 1)) {
            throw new IllegalArgumentException("bad share must be in [0, 1], was " + badShare);
        }
        this.random = new SplittableRandom(seed);
        this.badShare = badShare;
        this.clock = clock;
        this.nowSeconds = clock.instant().getEpochSecond();
    }

    /**
     * The payload of one record: {@code lineCount} lines, each ending in '\n', all DogStatsD or (a
     * share of {@link #JSON_RECORD_SHARE} of the records) all JSON objects.
     */
    public byte[] nextRecord(int lineCount) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lineCount * 80);
        nowSeconds = clock.instant().getEpochSecond();
        boolean json = random.nextDouble() < JSON_RECORD_SHARE;
        for (int i = 0; i < lineCount; i++) {
            if (json) {
                nextJsonLine(out);
            } else {
                nextLine(out);
            }
        }
        return out.toByteArray();
    }

    /** Appends one JSON object (a metric, or a bad object) and its '\n' to {@code out}. */
    private void nextJsonLine(ByteArrayOutputStream out) {
        lines++;
        jsonLines++;
        line.setLength(0);
        if (random.nextDouble() < badShare) {
            RejectReason why = BAD_JSON_KINDS[random.nextInt(BAD_JSON_KINDS.length)];
            rejects.merge(why, 1L, Long::sum);
            switch (why) {
                case EMPTY_NAME -> line.append("{\"value\":1,\"type\":\"c\"}");
                case BAD_VALUE -> line.append("{\"name\":\"http.requests\",\"value\":\"one\",\"type\":\"c\"}");
                case UNKNOWN_TYPE -> line.append("{\"name\":\"http.requests\",\"value\":1,\"type\":\"x\"}");
                case BAD_SAMPLE_RATE ->
                    line.append("{\"name\":\"http.requests\",\"value\":1,\"type\":\"c\",\"rate\":1.5}");
                case BAD_TIMESTAMP ->
                    line.append("{\"name\":\"queue.depth\",\"value\":3,\"type\":\"g\",\"ts\":\"yesterday\"}");
                case BAD_TAG -> line.append("{\"name\":\"http.requests\",\"value\":1,\"type\":\"c\",\"tags\":5}");
                default -> throw new AssertionError(why);
            }
        } else {
            jsonMetric();
        }
        line.append('\n');
        write(out, line);
    }

    /** One metric as a JSON object: the same names, values, weights and tags as {@link #metric()}. */
    private void jsonMetric() {
        Name m = METRICS[random.nextInt(METRICS.length)];
        line.append("{\"name\":\"")
                .append(m.name)
                .append("\",\"type\":\"")
                .append(m.type)
                .append("\",\"value\":");
        appendValuesAndRate(m, true);
        int host = host();
        line.append(",\"tags\":{\"env\":\"")
                .append(value(pick(ENVS)))
                .append("\",\"service\":\"")
                .append(value(serviceOf(host)))
                .append("\",\"region\":\"")
                .append(value(regionOf(host)))
                .append("\",\"host\":\"web-")
                .append(host)
                .append('"');
        if (random.nextInt(3) == 0) {
            line.append(",\"endpoint\":\"").append(value(pick(ENDPOINTS))).append('"');
        }
        if (random.nextInt(10) == 0) {
            line.append(",\"canary\":null"); // a bare tag
        }
        line.append('}');
        if ((m.type.equals("c") || m.type.equals("g")) && random.nextInt(20) == 0) {
            line.append(",\"ts\":").append(timestamp());
        }
        if (random.nextInt(20) == 0) {
            line.append(",\"container\":\"ci-")
                    .append(Long.toHexString(random.nextLong() & 0xffffffffffL))
                    .append('"');
        }
        line.append('}');
    }

    /**
     * Draws one metric's value (or packed values) and its sample rate and appends them, as
     * DogStatsD ({@code 3|c|@0.5}, {@code 1.5:2.0|ms}) or as JSON members ({@code 3,"rate":0.5},
     * {@code [1.5,2.0]}): the same draws in the same order for both. Counts the points, and keeps
     * the weighted totals, the set members and the quantile metric's values.
     */
    private void appendValuesAndRate(Name m, boolean json) {
        int values = 1;
        double total = 0;
        switch (m.type) {
            case "s" -> {
                int member = random.nextInt(50_000);
                line.append(json ? "\"user-" : "user-").append(member);
                if (json) {
                    line.append('"');
                }
                members.computeIfAbsent(m.name, k -> new BitSet(50_000)).set(member);
            }
            case "c" -> {
                int v = 1 + random.nextInt(random.nextInt(10) < 8 ? 1 : 20);
                line.append(v);
                total = v;
            }
            case "g" -> line.append(random.nextInt(1000));
            default -> {
                // Timers, histograms, distributions: often packed (DogStatsD 1.1; a JSON array).
                values = random.nextInt(10) < 2 ? 2 + random.nextInt(4) : 1;
                if (json && values > 1) {
                    line.append('[');
                }
                for (int i = 0; i < values; i++) {
                    if (i > 0) {
                        line.append(json ? ',' : ':');
                    }
                    appendTimerValue(m);
                }
                if (json && values > 1) {
                    line.append(']');
                }
            }
        }
        points += values;
        if (!json) {
            line.append('|').append(m.type);
        }
        double weight = 1;
        if (m.type.equals("c") && random.nextInt(10) == 0) {
            line.append(json ? ",\"rate\":0.5" : "|@0.5");
            weight = 2; // the Agent's rule: a sampled count counts 1 / rate
        }
        double[] t = totals.computeIfAbsent(m.name, k -> new double[2]);
        t[0] += values * weight;
        t[1] += total * weight;
    }

    /** A point's own time: a few seconds old, or one time in {@link #LATE_ONE_IN} one to three hours. */
    private long timestamp() {
        if (random.nextInt(LATE_ONE_IN) == 0) {
            return nowSeconds - LATE_MIN_SECONDS - random.nextInt(LATE_SPREAD_SECONDS - LATE_MIN_SECONDS);
        }
        return nowSeconds - random.nextInt(RECENT_LAG_SECONDS + 1);
    }

    /** The value part of a {@code key:value} tag. */
    private static String value(String tag) {
        return tag.substring(tag.indexOf(':') + 1);
    }

    /**
     * A timer, histogram or distribution value with one decimal, 0.0 to 499.9, written as {@link
     * Double#toString} would write it but without formatting a double.
     */
    private void appendTimerValue(Name m) {
        int tenths = random.nextInt(5000);
        line.append(tenths / 10).append('.').append(tenths % 10);
        if (m.name.equals(QUANTILE_METRIC)) {
            keepQuantileValue(tenths / 10.0);
        }
    }

    /** Appends one line and its '\n' to {@code out}. */
    public void nextLine(ByteArrayOutputStream out) {
        lines++;
        line.setLength(0);
        if (random.nextDouble() < badShare) {
            RejectReason why = BAD_KINDS[random.nextInt(BAD_KINDS.length)];
            rejects.merge(why, 1L, Long::sum);
            if (why == RejectReason.BAD_UTF8) {
                // Latin-1 bytes where UTF-8 was promised: the commonest real cause.
                write(out, "http.requests:1|c|#city:S");
                out.write(0xE3); // ã in ISO-8859-1, not valid UTF-8 here
                write(out, "o Paulo\n");
                return;
            }
            badLine(why);
        } else {
            double kind = random.nextDouble();
            if (kind < 0.02) {
                serviceCheck();
            } else if (kind < 0.021) {
                event();
            } else {
                metric();
            }
        }
        line.append('\n');
        write(out, line);
    }

    /** What was generated so far. */
    public Stats stats() {
        return new Stats(lines, jsonLines, points, checks, events, new EnumMap<>(rejects));
    }

    /**
     * Counts of what the generated lines must give once ingested.
     *
     * @param jsonLines of the lines, those that are JSON objects
     * @param points metric points, one per value of a packed line
     * @param rejects rejected lines by reason
     */
    public record Stats(
            long lines, long jsonLines, long points, long checks, long events, Map<RejectReason, Long> rejects) {
        public Stats {
            rejects = Map.copyOf(rejects);
        }

        public long rejected() {
            return rejects.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private void metric() {
        Name m = METRICS[random.nextInt(METRICS.length)];
        line.append(m.name).append(':');
        appendValuesAndRate(m, false);
        tags();
        if ((m.type.equals("c") || m.type.equals("g")) && random.nextInt(20) == 0) {
            line.append("|T").append(timestamp());
        }
        if (random.nextInt(20) == 0) {
            line.append("|c:ci-").append(Long.toHexString(random.nextLong() & 0xffffffffffL));
        }
    }

    private void keepQuantileValue(double v) {
        if (quantileCount == quantileValues.length) {
            quantileValues = Arrays.copyOf(quantileValues, quantileValues.length * 2);
        }
        quantileValues[quantileCount++] = v;
    }

    /**
     * What the query API must answer for the generated metrics (exact totals, kept as the lines are
     * written).
     */
    public Expected expected() {
        Map<String, NameTotals> byName = new TreeMap<>();
        for (Name m : METRICS) {
            double[] t = totals.getOrDefault(m.name, new double[2]);
            BitSet set = members.get(m.name);
            byName.put(m.name, new NameTotals(m.type, t[0], t[1], set == null ? 0 : set.cardinality()));
        }
        double[] sorted = Arrays.copyOf(quantileValues, quantileCount);
        Arrays.sort(sorted);
        return new Expected(byName, new TreeMap<>(checkRuns), QUANTILE_METRIC, sorted);
    }

    /**
     * One metric name's exact figures.
     *
     * @param type its DogStatsD type code
     * @param count the lines' or values' count, each weighted by 1 / sample rate (a query's count)
     * @param sum for a count, the sum of value / rate; 0 for other types
     * @param distinct for a set, its distinct members; 0 for other types
     */
    public record NameTotals(String type, double count, double sum, long distinct) {}

    /**
     * The exact figures of everything generated so far.
     *
     * @param byName per metric name
     * @param checkRuns service check runs per check name
     * @param quantileMetric the timer whose every value is kept
     * @param quantileValues its values, sorted
     */
    public record Expected(
            Map<String, NameTotals> byName,
            Map<String, Long> checkRuns,
            String quantileMetric,
            double[] quantileValues) {
        /** The exact value of rank {@code floor(q (n - 1))}: what the sketch's relative accuracy is measured against. */
        public double exactQuantile(double q) {
            return quantileValues[(int) Math.floor(q * (quantileValues.length - 1))];
        }
    }

    /**
     * A host's number; its service and region follow from it ({@link #serviceOf}, {@link
     * #regionOf}), as in a fleet where each host runs one service in one region: a few thousand
     * series in all, as issue 10's realistic mix (drawing them apart made ten times as many, most
     * seen once, and made series creation the stream's main cost).
     */
    private int host() {
        return random.nextInt(HOSTS);
    }

    private static final int HOSTS = 40;

    private static String serviceOf(int host) {
        return SERVICES[host % SERVICES.length];
    }

    private static String regionOf(int host) {
        return REGIONS[host % REGIONS.length];
    }

    private void tags() {
        int host = host();
        line.append("|#")
                .append(pick(ENVS))
                .append(',')
                .append(serviceOf(host))
                .append(',')
                .append(regionOf(host))
                .append(",host:web-")
                .append(host);
        if (random.nextInt(3) == 0) {
            line.append(',').append(pick(ENDPOINTS));
        }
        if (random.nextInt(10) == 0) {
            line.append(",canary"); // a bare tag
        }
    }

    private void serviceCheck() {
        checks++;
        int roll = random.nextInt(100);
        int status = roll < 90 ? 0 : roll < 96 ? 1 : roll < 99 ? 2 : 3;
        String check = pick(CHECKS);
        checkRuns.merge(check, 1L, Long::sum);
        line.append("_sc|").append(check).append('|').append(status);
        line.append("|d:").append(timestamp());
        line.append("|h:web-").append(random.nextInt(40));
        line.append("|#").append(pick(ENVS)).append(',').append(pick(SERVICES));
        if (status != 0) {
            line.append("|m:probe failed: timeout after 5 s");
        }
    }

    private void event() {
        events++;
        String title = pick(TITLES);
        String text =
                "version 1." + random.nextInt(40) + " on " + pick(SERVICES).substring(8);
        line.append("_e{")
                .append(title.length())
                .append(',')
                .append(text.length())
                .append("}:")
                .append(title)
                .append('|')
                .append(text);
        line.append("|t:").append(pick(ALERTS)).append("|p:normal|s:deployer|#").append(pick(ENVS));
    }

    private void badLine(RejectReason why) {
        switch (why) {
            case EMPTY_NAME -> line.append(":1|c|#env:prod");
            case BAD_VALUE -> line.append("http.requests:one|c");
            case UNKNOWN_TYPE -> line.append("http.requests:1|x");
            case BAD_SAMPLE_RATE -> line.append("http.requests:1|c|@1.5");
            case BAD_TIMESTAMP -> line.append("queue.depth:3|g|Tyesterday");
            case BAD_TAG -> line.append("http.requests:1|c|#env:prod,,service:api");
            case BAD_FIELD -> line.append("http.requests:1|c|@0.5|@0.5"); // given twice
            case BAD_STATUS -> line.append("_sc|db.can_connect|7");
            case BAD_EVENT -> line.append("_e{40,4}:short title|text");
            default -> throw new AssertionError(why);
        }
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }

    /** The lines are ASCII (the bad UTF-8 byte is written apart), so a char is a byte. */
    private void write(ByteArrayOutputStream out, CharSequence s) {
        int n = s.length();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            scratch[i] = (byte) s.charAt(i);
        }
        out.write(scratch, 0, n);
    }
}
