package dev.dbre.ingest.store;

import dev.dbre.ingest.RejectReason;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.store.BatchAggregates.PendingLine;
import dev.dbre.ingest.store.BatchAggregates.Series;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.MetricTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric store's side of an ingest transaction (docs/metric-store.md): the COPY sink (raw rows
 * only with {@code DBRE_INGEST_RAW=on}), the batch's aggregates, the series ids and the cardinality
 * guard, the aggregate rows. One per {@link dev.dbre.ingest.IngestService}, shared by its threads;
 * each thread works through its own {@link Transaction}.
 */
public final class MetricStoreWriter {
    private static final String SERIES_LIMIT_DETAIL =
            "new series over the source's limit per minute (DBRE_METRICS_MAX_NEW_SERIES_PER_MINUTE)";

    private final MetricStoreSettings settings;
    private final SeriesCache cache;
    private final SeriesRegistry registry;
    private final Set<String> partitions = AggregateWriter.newPartitionSet();

    public MetricStoreWriter(MetricStoreSettings settings) {
        this.settings = settings;
        this.cache = new SeriesCache(settings.seriesCacheSize());
        this.registry = new SeriesRegistry(cache, settings.maxNewSeriesPerMinute());
    }

    /** The settings it writes by. */
    public MetricStoreSettings settings() {
        return settings;
    }

    /** Series ids held in memory across invocations. */
    public int cachedSeries() {
        return cache.size();
    }

    /** A new transaction context with its own buffers (reuse it across transactions of one thread). */
    public Transaction newTransaction() {
        return new Transaction();
    }

    /** Told which new record lost a line to the cardinality guard, to correct its counters. */
    @FunctionalInterface
    public interface Refusals {
        /** A line of the new record {@code recordSlot} became a reject; it had counted {@code points}. */
        void refused(int recordSlot, boolean serviceCheck, int points);
    }

    /** One thread's buffers; steps in order: begin, startRecord per record, finish, committed. */
    public final class Transaction {
        private final BatchAggregates aggregates;
        private final BinaryCopySink sink;
        private final AggregateWriter writer;

        private Transaction() {
            this.aggregates = new BatchAggregates(settings.intervalSeconds(), cache);
            this.sink = new BinaryCopySink(settings.rawPoints(), aggregates);
            this.writer = new AggregateWriter(partitions);
        }

        /** The sink the parser writes into. */
        public BinaryCopySink sink() {
            return sink;
        }

        /**
         * Starts the transaction's writing: creates the raw partitions (points and service checks)
         * of the records' arrival days first when raw points are on (points stream while they are
         * parsed), then {@link BinaryCopySink#begin}; points older than the retention of a rollup's
         * source, or past the partitions made ahead, are refused ({@link
         * MetricStoreSettings#acceptedFrom}, {@link MetricStoreSettings#acceptedUntil}).
         *
         * @throws SQLException on any database error
         */
        public void begin(Connection c, List<SourceRecord> records, Instant now) throws SQLException {
            if (settings.rawPoints()) {
                TreeSet<Long> days = new TreeSet<>();
                for (SourceRecord r : records) {
                    days.add(MetricTable.RAW.partitionStartDay(MetricTable.epochDay(r.arrival())));
                }
                long today = MetricTable.epochDay(now);
                for (long day : days) {
                    writer.ensurePartition(c, MetricTable.RAW.partition(day), day >= today - 1);
                    writer.ensurePartition(c, MetricTable.RAW_CHECKS.partition(day), day >= today - 1);
                }
            }
            sink.begin(c);
            sink.acceptFrom(settings.acceptedFrom(now));
            sink.acceptUntil(settings.acceptedUntil(now));
            sink.pointLags().start(BinaryCopySink.pgMicros(now));
        }

        /** The lines that follow belong to the new record {@code slot}. */
        public void startRecord(int slot, long id, Instant arrival) {
            sink.startRecord(id, arrival);
            aggregates.startRecord(slot, id, BinaryCopySink.pgMicros(arrival));
        }

        /**
         * After the last record: ends the points COPY, gives every series its id (refusing the new
         * ones over the guard: their lines become {@code SERIES_LIMIT} rejects, reported to {@code
         * refusals}), ends the other COPY streams, writes the aggregate rows.
         *
         * @throws SQLException on any database error
         */
        public void finish(Connection c, String source, long batchId, Instant now, Refusals refusals)
                throws SQLException {
            sink.finishPoints();
            for (Series s : registry.resolve(c, source, aggregates, now)) {
                for (PendingLine p : s.pending) {
                    sink.rejectLater(
                            p.recordId(),
                            p.arrivalMicros(),
                            p.line(),
                            RejectReason.SERIES_LIMIT,
                            SERIES_LIMIT_DETAIL,
                            p.raw());
                    refusals.refused(p.recordSlot(), p.points() == PendingLine.CHECK, Math.max(0, p.points()));
                }
            }
            sink.finish();
            writer.write(c, batchId, aggregates, MetricTable.epochDay(now));
        }

        /** The transaction committed: its new series ids may be cached. */
        public void committed() {
            registry.remember(aggregates);
        }

        /** The transaction rolled back: a partition it created is gone again. */
        public void rolledBack() {
            sink.abort();
            writer.forgetPartitions();
        }

        /** Bytes its buffers hold. */
        public long retainedBytes() {
            return sink.retainedBytes();
        }
    }
}
