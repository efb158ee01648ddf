package dev.dbre.bench;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.schema.SchemaMigrator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * End-to-end ingest benchmark (scripted, never asserted): rows/s into the same unique-keyed
 * {@code metric_points} table of an embedded PostgreSQL for
 *
 * <ol>
 *   <li>(e) {@link IngestService} into the aggregates only ({@code DBRE_INGEST_RAW=off}, the
 *       default), a new connection per batch,
 *   <li>(p) the same through a {@link PooledConnectionFactory} of one connection, as the functions
 *       run it (a warm connection across batches, statements prepared once),
 *   <li>(a) {@link IngestService} with raw points on: parse DogStatsD + exactly-once key + binary COPY
 *       of the raw rows + aggregates,
 *   <li>(b) per-row INSERT, JDBC batches of 1000, autocommit off, reWriteBatchedInserts=false,
 *   <li>(c) multi-row INSERT statements of 1000 rows,
 *   <li>(d) PostgreSQL's own server-side {@code COPY metric_points FROM '<file>'} (CSV) of the same
 *       rows.
 * </ol>
 *
 * (b)–(d) get the rows already made (no parsing); (a) starts from the raw DogStatsD bytes. Run by
 * {@code scripts/bench-ingest [--rows N] [--lines-per-record N] [--records-per-batch N] [--repeat
 * N] [--methods epabcd]} (the letters of the methods to run, default all; {@code r} adds the pooled
 * path on AggregateBench's realistic mix and, as its own baseline, PostgreSQL's COPY of the same
 * lines as raw rows: one {@code metric_points} row per value, one {@code service_checks} row per
 * check, read by the server from CSV files, the way (d) is (d)'s).
 */
public final class IngestBench {
    private static final Instant ARRIVAL = Instant.parse("2026-11-23T10:00:00Z");
    private static final String[] TYPES = {"g", "c", "ms"};
    private static final String TRUNCATE = "truncate metric_points, service_checks, ingest_events, ingest_rejects,"
            + " ingest_records, ingest_batches, metric_agg, metric_series, metric_rollup_queue";
    /** Bytes on disk (heap, indexes, TOAST) of the raw table's and of the aggregate tables' partitions. */
    private static final String RAW_BYTES = "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c"
            + " where c.relkind = 'r' and c.relname like 'metric\\_points%'";

    private static final String AGG_BYTES = "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c"
            + " where c.relkind = 'r' and (c.relname like 'metric\\_agg%' or c.relname = 'metric_series')";

    private final int rows;
    private final int linesPerRecord;
    private final int recordsPerBatch;
    private final int repeat;
    private final Path dir;
    /** Which methods run, by letter ({@code --methods eabcd}, the default: all). */
    private final String methods;

    private IngestBench(int rows, int linesPerRecord, int recordsPerBatch, int repeat, Path dir, String methods) {
        this.methods = methods;
        this.rows = rows;
        this.linesPerRecord = linesPerRecord;
        this.recordsPerBatch = recordsPerBatch;
        this.repeat = repeat;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        IngestBench bench = new IngestBench(
                Integer.parseInt(opts.getOrDefault("rows", "1000000")),
                Integer.parseInt(opts.getOrDefault("lines-per-record", "1000")),
                Integer.parseInt(opts.getOrDefault("records-per-batch", "100")),
                Integer.parseInt(opts.getOrDefault("repeat", "1")),
                Path.of(opts.getOrDefault("dir", "shared/target/bench-ingest")).toAbsolutePath(),
                opts.getOrDefault("methods", "epabcd"));
        bench.run();
    }

    private void run() throws Exception {
        Files.createDirectories(dir);
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), 0, Map.of())) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("create database bench");
            }
            SchemaMigrator.migrate(pg.jdbcUrl("bench"), "postgres", null);
            ConnectionFactory connections = JdbcConnectionFactory.of(pg.jdbcUrl("bench"), "postgres", null);
            String version;
            try (Connection c = connections.open();
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("show server_version")) {
                rs.next();
                version = rs.getString(1);
            }

            List<IngestBatch> batches = payloads();
            Path csv = writeCsv();
            System.out.printf(
                    Locale.ROOT,
                    "PostgreSQL %s, %d rows, %d lines/record, %d records/batch, best of %d%n",
                    version,
                    rows,
                    linesPerRecord,
                    recordsPerBatch,
                    repeat);

            IngestService service = new IngestService(
                    connections,
                    ParseLimits.DEFAULTS,
                    MetricStoreSettings.WITH_RAW_POINTS,
                    Clock.fixed(ARRIVAL, ZoneOffset.UTC));
            IngestService aggregated = new IngestService(
                    connections,
                    ParseLimits.DEFAULTS,
                    MetricStoreSettings.DEFAULTS,
                    Clock.fixed(ARRIVAL, ZoneOffset.UTC));
            // As the functions run it: a warm connection from the pool (PooledConnectionFactory), not a
            // new login per batch.
            PooledConnectionFactory pool = new PooledConnectionFactory(connections, 1);
            IngestService pooled = new IngestService(
                    pool, ParseLimits.DEFAULTS, MetricStoreSettings.DEFAULTS, Clock.fixed(ARRIVAL, ZoneOffset.UTC));
            // (r): the pooled path on AggregateBench's realistic mix (some 3,400 series, about 40-byte
            // lines, |T stamps), with the clock at that mix's arrival; the COPY baseline stays (d)'s rows.
            IngestService realisticPooled = new IngestService(
                    pool,
                    ParseLimits.DEFAULTS,
                    MetricStoreSettings.DEFAULTS,
                    Clock.fixed(Instant.ofEpochSecond(AggregateBench.ARRIVAL_SECONDS), ZoneOffset.UTC));
            List<IngestBatch> realistic = runs('r') ? realisticPayloads() : List.of();
            RealisticCsv realisticCsv = runs('r') ? writeRealisticCsv(realistic) : null;
            for (int i = 0; i < Math.max(1, realistic.size() / 10) && runs('r'); i++) {
                realisticPooled.ingest(realistic.get(i));
            }
            // Warm-up (JIT) on a tenth of the batches, not measured.
            for (int i = 0; i < Math.max(1, batches.size() / 10); i++) {
                if (runs('a')) {
                    service.ingest(batches.get(i));
                }
                if (runs('e')) {
                    aggregated.ingest(batches.get(i));
                }
                if (runs('p')) {
                    pooled.ingest(batches.get(i));
                }
            }

            Map<String, Double> best = new LinkedHashMap<>();
            boolean fileReadable = serverCanReadFile(connections, csv);
            String copyLabel = fileReadable
                    ? "(d) server COPY FROM file (CSV)"
                    : "(d) COPY FROM STDIN of the CSV (server cannot read the file)";
            String realisticLabel = "(r) as (p), realistic mix (AggregateBench)";
            String realisticCopyLabel = fileReadable
                    ? "(rd) server COPY FROM file (CSV) of (r)'s lines as raw rows"
                    : "(rd) COPY FROM STDIN of the CSV of (r)'s lines (server cannot read the file)";
            for (int r = 0; r < repeat; r++) {
                if (runs('e')) {
                    measure(
                            best,
                            "(e) IngestService, aggregates only (DBRE_INGEST_RAW=off)",
                            connections,
                            () -> ingestAll(aggregated, batches),
                            false);
                }
                if (runs('p')) {
                    measure(
                            best,
                            "(p) IngestService, aggregates only, pooled connection",
                            connections,
                            () -> ingestAll(pooled, batches),
                            false);
                }
                if (runs('r')) {
                    measure(best, realisticLabel, connections, () -> ingestAll(realisticPooled, realistic), false);
                    measure(
                            best,
                            realisticCopyLabel,
                            connections,
                            () -> serverCopy(connections, realisticCsv, fileReadable));
                }
                if (runs('a')) {
                    measure(
                            best,
                            "(a) IngestService, raw points + aggregates",
                            connections,
                            () -> ingestAll(service, batches));
                }
                if (runs('b')) {
                    measure(best, "(b) per-row INSERT, JDBC batch 1000", connections, () -> perRowInsert(connections));
                }
                if (runs('c')) {
                    measure(best, "(c) multi-row INSERT, 1000 rows", connections, () -> multiRowInsert(connections));
                }
                if (runs('d')) {
                    measure(best, copyLabel, connections, () -> serverCopy(connections, csv, fileReadable));
                }
            }

            pool.close();
            double copy = best.getOrDefault(copyLabel, Double.NaN);
            System.out.printf(Locale.ROOT, "%n| method | rows/s | vs (d) |%n|---|---:|---:|%n");
            for (Map.Entry<String, Double> e : best.entrySet()) {
                if (e.getKey().startsWith("(r")) {
                    continue; // in its own table, against the COPY of its own lines
                }
                System.out.printf(
                        Locale.ROOT, "| %s | %,.0f | %.2fx |%n", e.getKey(), e.getValue(), e.getValue() / copy);
            }
            if (runs('r')) {
                double realisticCopy = best.get(realisticCopyLabel);
                System.out.printf(
                        Locale.ROOT,
                        "%nRealistic mix (%,d lines, %.1f bytes/line, %,d raw rows: %,d metric_points + %,d"
                                + " service_checks), best of %d:%n| method | lines/s | vs (rd) |%n|---|---:|---:|%n",
                        rows,
                        realisticCsv.bytesPerLine(),
                        realisticCsv.pointRows() + realisticCsv.checkRows(),
                        realisticCsv.pointRows(),
                        realisticCsv.checkRows(),
                        repeat);
                for (String label : List.of(realisticLabel, realisticCopyLabel)) {
                    double rate = best.get(label);
                    System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2fx |%n", label, rate, rate / realisticCopy);
                }
            }
        }
    }

    private boolean runs(char method) {
        return methods.indexOf(method) >= 0;
    }

    private interface Run {
        long rows() throws Exception;
    }

    private static long ingestAll(IngestService service, List<IngestBatch> batches) {
        long stored = 0;
        for (IngestBatch b : batches) {
            BatchResult result = service.ingest(b);
            if (!result.failed().isEmpty()) {
                throw new IllegalStateException(
                        "batch failed: " + result.failed().get(0).failure());
            }
            stored += result.stored();
        }
        return stored;
    }

    private void measure(Map<String, Double> best, String label, ConnectionFactory connections, Run run)
            throws Exception {
        measure(best, label, connections, run, true);
    }

    /** @param rawRows whether the rows land in metric_points (else: only in the aggregates) */
    private void measure(
            Map<String, Double> best, String label, ConnectionFactory connections, Run run, boolean rawRows)
            throws Exception {
        try (Connection c = connections.open();
                Statement s = c.createStatement()) {
            s.execute(TRUNCATE);
            s.execute("checkpoint");
        }
        long t0 = System.nanoTime();
        long n = run.rows();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long inTable;
        try (Connection c = connections.open();
                Statement s = c.createStatement();
                var rs = s.executeQuery(
                        rawRows ? "select count(*) from metric_points" : "select sum(n)::int8 from metric_agg")) {
            rs.next();
            inTable = rs.getLong(1);
        }
        long rawBytes;
        long aggBytes;
        try (Connection c = connections.open();
                Statement s = c.createStatement()) {
            s.execute("vacuum analyze");
            try (var rs = s.executeQuery(RAW_BYTES)) {
                rs.next();
                rawBytes = rs.getLong(1);
            }
            try (var rs = s.executeQuery(AGG_BYTES)) {
                rs.next();
                aggBytes = rs.getLong(1);
            }
        }
        // (r)'s lines pack several values, sample rates and service checks: its counts are not one
        // per line, so only that it stored something is checked (its correctness is the tests').
        boolean realisticMix = label.startsWith("(r");
        if (realisticMix ? n <= 0 || inTable <= 0 : inTable != rows || n != rows) {
            throw new IllegalStateException(label + ": expected " + rows + " rows, got " + n + " / " + inTable);
        }
        double rate = rows / seconds;
        System.out.printf(
                Locale.ROOT,
                "%-62s %,12d rows %8.3f s %,14.0f rows/s  raw %,d B/M lines  aggregates %,d B/M lines%n",
                label,
                rows,
                seconds,
                rate,
                (long) (rawBytes * 1e6 / rows),
                (long) (aggBytes * 1e6 / rows));
        best.merge(label, rate, Math::max);
    }

    // --- data: row i, the same for every method ---------------------------------------------

    private static String name(int i) {
        return "bench.metric." + (i % 200);
    }

    private static String type(int i) {
        return TYPES[i % 3];
    }

    private static double value(int i) {
        return (i % 1000) * 0.25;
    }

    /** Tags, already in the canonical (sorted) order the parser produces. */
    private static String[] tags(int i) {
        return new String[] {"env:prod", "host:h" + (i % 50), "zone:z" + (i % 3)};
    }

    private long recordId(int i) {
        return i / linesPerRecord + 1;
    }

    private int line(int i) {
        return i % linesPerRecord + 1;
    }

    private List<IngestBatch> payloads() {
        List<IngestBatch> batches = new ArrayList<>();
        List<SourceRecord> records = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int start = 0; start < rows; start += linesPerRecord) {
            sb.setLength(0);
            for (int i = start; i < Math.min(rows, start + linesPerRecord); i++) {
                sb.append(name(i))
                        .append(':')
                        .append(value(i))
                        .append('|')
                        .append(type(i))
                        .append("|#");
                sb.append(String.join(",", tags(i))).append('\n');
            }
            records.add(new SourceRecord(
                    "shard-0",
                    String.format(Locale.ROOT, "%012d", start),
                    ARRIVAL,
                    sb.toString().getBytes(StandardCharsets.UTF_8),
                    PayloadFormat.DOGSTATSD));
            if (records.size() == recordsPerBatch) {
                batches.add(new IngestBatch("bench", records));
                records = new ArrayList<>();
            }
        }
        if (!records.isEmpty()) {
            batches.add(new IngestBatch("bench", records));
        }
        return batches;
    }

    /** AggregateBench's realistic mix, as many lines as {@code --rows}, in this run's records and batches. */
    private List<IngestBatch> realisticPayloads() {
        byte[][] bytes = AggregateBench.realistic(Math.max(1, rows / linesPerRecord), linesPerRecord, ParserBench.SEED);
        Instant arrival = Instant.ofEpochSecond(AggregateBench.ARRIVAL_SECONDS);
        List<IngestBatch> batches = new ArrayList<>();
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            records.add(new SourceRecord(
                    "shard-1", String.format(Locale.ROOT, "r%012d", i), arrival, bytes[i], PayloadFormat.DOGSTATSD));
            if (records.size() == recordsPerBatch) {
                batches.add(new IngestBatch("bench-realistic", records));
                records = new ArrayList<>();
            }
        }
        if (!records.isEmpty()) {
            batches.add(new IngestBatch("bench-realistic", records));
        }
        return batches;
    }

    private Path writeCsv() throws IOException {
        Path csv = dir.resolve("points.csv");
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                w.append(Long.toString(recordId(i))).append(',');
                w.append(Integer.toString(line(i))).append(",0,2026-11-23 10:00:00+00,");
                w.append(name(i)).append(',').append(type(i)).append(',');
                w.append(Double.toString(value(i))).append(",1,\"{");
                w.append(String.join(",", tags(i))).append("}\"\n");
            }
        }
        // The embedded server runs as another (namespaced) user: let it read the file.
        Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("rw-r--r--"));
        return csv;
    }

    /** (r)'s lines as raw rows, in two CSV files the server reads: points and service checks. */
    private record RealisticCsv(Path points, long pointRows, Path checks, long checkRows, double bytesPerLine) {}

    private static final DateTimeFormatter PG_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssXXX");

    /**
     * Parses (r)'s payloads with the product's parser and writes each metric value as the {@code
     * metric_points} row and each service check as the {@code service_checks} row that {@code
     * DBRE_INGEST_RAW=on} would store (record id = the record's position; a line without {@code |T}
     * takes the arrival time): the raw rows of the same lines, for the server's own COPY.
     */
    private RealisticCsv writeRealisticCsv(List<IngestBatch> batches) throws IOException {
        Path points = dir.resolve("realistic-points.csv");
        Path checks = dir.resolve("realistic-checks.csv");
        long[] counts = new long[2];
        long bytes = 0;
        PayloadParser parser = new PayloadParser(ParseLimits.DEFAULTS);
        try (BufferedWriter p = Files.newBufferedWriter(points, StandardCharsets.UTF_8);
                BufferedWriter c = Files.newBufferedWriter(checks, StandardCharsets.UTF_8)) {
            long recordId = 0;
            for (IngestBatch batch : batches) {
                for (SourceRecord r : batch.records()) {
                    long id = ++recordId;
                    long arrival = r.arrival().getEpochSecond();
                    bytes += r.payload().length;
                    parser.parse(r.payload(), 0, r.payload().length, PayloadFormat.DOGSTATSD, l -> {
                        try {
                            if (l.kind == ParsedLine.Kind.METRIC) {
                                counts[0] += writePointRows(p, id, l, arrival);
                            } else if (l.kind == ParsedLine.Kind.SERVICE_CHECK) {
                                writeCheckRow(c, id, l, arrival);
                                counts[1]++;
                            } else {
                                throw new IllegalStateException("the realistic mix has a line of kind " + l.kind);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        for (Path f : List.of(points, checks)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return new RealisticCsv(points, counts[0], checks, counts[1], (double) bytes / rows);
    }

    private static int writePointRows(BufferedWriter w, long recordId, ParsedLine l, long arrival) throws IOException {
        String ts = csvTimestamp(l.hasTimestamp() ? l.timestamp : arrival);
        String tags = csvTextArray(tagsOf(l));
        int n = l.memberLen >= 0 ? 1 : l.valueCount;
        for (int i = 0; i < n; i++) {
            w.append(Long.toString(recordId))
                    .append(',')
                    .append(Integer.toString(l.lineNumber))
                    .append(',');
            w.append(Integer.toString(i)).append(',').append(ts).append(',');
            w.append(csvText(l.name())).append(',').append(l.type.code()).append(',');
            w.append(i < l.valueCount ? Double.toString(l.values[i]) : "").append(',');
            w.append(l.memberLen >= 0 ? csvText(l.member()) : "").append(',');
            w.append(Double.toString(l.rate)).append(',').append(tags).append(",\n");
        }
        return n;
    }

    private static void writeCheckRow(BufferedWriter w, long recordId, ParsedLine l, long arrival) throws IOException {
        w.append(Long.toString(recordId))
                .append(',')
                .append(Integer.toString(l.lineNumber))
                .append(',');
        w.append(csvTimestamp(l.hasTimestamp() ? l.timestamp : arrival)).append(',');
        w.append(csvText(l.name()))
                .append(',')
                .append(Integer.toString(l.status))
                .append(",,,");
        w.append(csvTextArray(tagsOf(l))).append(",\n");
    }

    private static String[] tagsOf(ParsedLine l) {
        String[] tags = new String[l.tagCount];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = l.tag(i);
        }
        return tags;
    }

    private static String csvTimestamp(long unixSeconds) {
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(unixSeconds), ZoneOffset.UTC)
                .format(PG_TIMESTAMP);
    }

    /** A CSV field, always quoted (a name may hold a comma). */
    private static String csvText(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** A text[] literal with every element quoted, as one CSV field. */
    private static String csvTextArray(String[] tags) {
        StringBuilder a = new StringBuilder("{");
        for (int i = 0; i < tags.length; i++) {
            a.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(tags[i].replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return csvText(a.append('}').toString());
    }

    // --- baselines ----------------------------------------------------------------------------

    private static final String INSERT_COLUMNS =
            "insert into metric_points (record_id, line, idx, ts, name, type, value, rate, tags) values ";

    private long perRowInsert(ConnectionFactory connections) throws SQLException {
        Timestamp ts = Timestamp.from(ARRIVAL);
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT_COLUMNS + "(?, ?, 0, ?, ?, ?, ?, 1, ?::text[])")) {
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, recordId(i));
                    ps.setInt(2, line(i));
                    ps.setTimestamp(3, ts);
                    ps.setString(4, name(i));
                    ps.setString(5, type(i));
                    ps.setDouble(6, value(i));
                    ps.setString(7, "{" + String.join(",", tags(i)) + "}");
                    ps.addBatch();
                    if ((i + 1) % 1000 == 0) {
                        ps.executeBatch();
                    }
                    if ((i + 1) % (linesPerRecord * recordsPerBatch) == 0) {
                        c.commit(); // one transaction per ingest batch, like (a)
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
        return rows;
    }

    private long multiRowInsert(ConnectionFactory connections) throws SQLException {
        int per = 1000;
        StringBuilder sql = new StringBuilder(INSERT_COLUMNS);
        for (int k = 0; k < per; k++) {
            sql.append(k == 0 ? "" : ",").append("(?, ?, 0, ?, ?, ?, ?, 1, ?::text[])");
        }
        Timestamp ts = Timestamp.from(ARRIVAL);
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (PreparedStatement full = c.prepareStatement(sql.toString())) {
                int i = 0;
                while (i + per <= rows) {
                    int p = 1;
                    for (int k = 0; k < per; k++, i++) {
                        full.setLong(p++, recordId(i));
                        full.setInt(p++, line(i));
                        full.setTimestamp(p++, ts);
                        full.setString(p++, name(i));
                        full.setString(p++, type(i));
                        full.setDouble(p++, value(i));
                        full.setString(p++, "{" + String.join(",", tags(i)) + "}");
                    }
                    full.executeUpdate();
                    if (i % (linesPerRecord * recordsPerBatch) == 0) {
                        c.commit();
                    }
                }
                for (; i < rows; i++) { // the rest, one by one (rows not a multiple of 1000)
                    try (PreparedStatement one =
                            c.prepareStatement(INSERT_COLUMNS + "(?, ?, 0, ?, ?, ?, ?, 1, ?::text[])")) {
                        one.setLong(1, recordId(i));
                        one.setInt(2, line(i));
                        one.setTimestamp(3, ts);
                        one.setString(4, name(i));
                        one.setString(5, type(i));
                        one.setDouble(6, value(i));
                        one.setString(7, "{" + String.join(",", tags(i)) + "}");
                        one.executeUpdate();
                    }
                }
            }
            c.commit();
        }
        return rows;
    }

    private static final String COPY_COLUMNS =
            "metric_points (record_id, line, idx, ts, name, type, value, rate, tags)";

    private static final String CHECK_COLUMNS =
            "service_checks (record_id, line, ts, name, status, host, message, tags, container)";
    private static final String REALISTIC_POINT_COLUMNS =
            "metric_points (record_id, line, idx, ts, name, type, value, member, rate, tags, container)";

    /** (r)'s lines as raw rows: both files in one transaction, as one ingest batch would write them. */
    private static long serverCopy(ConnectionFactory connections, RealisticCsv csv, boolean fileReadable)
            throws Exception {
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            long copied = copy(c, REALISTIC_POINT_COLUMNS, csv.points(), fileReadable)
                    + copy(c, CHECK_COLUMNS, csv.checks(), fileReadable);
            c.commit();
            if (copied != csv.pointRows() + csv.checkRows()) {
                throw new IllegalStateException("COPY of the realistic rows: " + copied + " copied, "
                        + (csv.pointRows() + csv.checkRows()) + " written");
            }
            return copied;
        }
    }

    private static long copy(Connection c, String columns, Path csv, boolean fileReadable) throws Exception {
        if (fileReadable) {
            try (Statement s = c.createStatement()) {
                // The path is ours (under target/), not user input; COPY takes no parameter here.
                return s.executeUpdate(
                        "COPY " + columns + " FROM '" + csv.toString().replace("'", "''") + "' (FORMAT csv)");
            }
        }
        try (InputStream in = Files.newInputStream(csv)) {
            return c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY " + columns + " FROM STDIN (FORMAT csv)", in, 1 << 16);
        }
    }

    private static boolean serverCanReadFile(ConnectionFactory connections, Path csv) {
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement("select length(pg_read_file(?, 0, 16))")) {
            ps.setString(1, csv.toString());
            ps.executeQuery().close();
            return true;
        } catch (SQLException e) {
            System.out.println("server cannot read " + csv + " (" + e.getMessage() + "): using COPY FROM STDIN");
            return false;
        }
    }

    private static long serverCopy(ConnectionFactory connections, Path csv, boolean fileReadable) throws Exception {
        try (Connection c = connections.open()) {
            if (fileReadable) {
                try (Statement s = c.createStatement()) {
                    // The path is ours (under target/), not user input; COPY takes no parameter here.
                    return s.executeUpdate(
                            "COPY " + COPY_COLUMNS + " FROM '" + csv.toString().replace("'", "''") + "' (FORMAT csv)");
                }
            }
            try (InputStream in = Files.newInputStream(csv)) {
                return c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn("COPY " + COPY_COLUMNS + " FROM STDIN (FORMAT csv)", in, 1 << 16);
            }
        }
    }
}
