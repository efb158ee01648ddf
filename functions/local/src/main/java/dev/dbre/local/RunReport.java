package dev.dbre.local;

import java.util.List;
import java.util.Map;

/**
 * The figures of one {@code run-local}, read with SQL at the end of the run.
 *
 * @param generated what the generator wrote (lines, and the points, checks, events and rejects
 *     they must give)
 * @param stream what the database holds for the generated stream's source
 * @param rejectsByReason the stream's rejected lines by reason code
 * @param duplicateRecords records that redeliveries found already stored
 * @param rowsAddedByRetry rows the retry stage added (exactly-once: 0)
 * @param linesPerSecond the generated stream's lines over its ingest time
 * @param allSources what the database holds for every source (sample events included)
 * @param sampleEvents one summary per sample event file pushed through a handler
 */
public record RunReport(
        MetricStreamGenerator.Stats generated,
        DbCounts stream,
        Map<String, Long> rejectsByReason,
        long duplicateRecords,
        long rowsAddedByRetry,
        double linesPerSecond,
        DbCounts allSources,
        List<String> sampleEvents) {}
