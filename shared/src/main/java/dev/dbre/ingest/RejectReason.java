package dev.dbre.ingest;

/**
 * Why a line was rejected. This is the one documented list of reason codes: they are stored in
 * {@code ingest_rejects.reason}, printed by {@code dbre parse} and counted in metrics, so a code
 * is never renamed once released.
 */
public enum RejectReason {
    /** The metric, check or event name is empty. */
    EMPTY_NAME,
    /** The name is longer than the configured limit. */
    NAME_TOO_LONG,
    /** The line has no {@code :value} part, or a value that is not a finite number. */
    BAD_VALUE,
    /** No {@code |type} field, or a type other than c, g, ms, h, d, s. */
    UNKNOWN_TYPE,
    /** {@code |@rate} is not a number in (0, 1]. */
    BAD_SAMPLE_RATE,
    /** {@code |T}, {@code d:} or JSON {@code ts} is not a valid Unix time or ISO-8601 instant. */
    BAD_TIMESTAMP,
    /** A tag is empty or the tag list is malformed. */
    BAD_TAG,
    /** More tags than the configured limit. */
    TOO_MANY_TAGS,
    /** A field that this protocol does not know, or a field given twice. */
    BAD_FIELD,
    /** A service check status other than 0, 1, 2, 3. */
    BAD_STATUS,
    /** A malformed service check ({@code _sc|name|status...}). */
    BAD_SERVICE_CHECK,
    /** A malformed event ({@code _e{title_len,text_len}:title|text...}). */
    BAD_EVENT,
    /** The line is longer than the configured limit. */
    LINE_TOO_LONG,
    /**
     * The line is not valid UTF-8, or holds a NUL byte / U+0000 (valid UTF-8, but PostgreSQL text
     * cannot store it, so the line could never be written).
     */
    BAD_UTF8,
    /** The JSON is not well formed, or a value has the wrong JSON type. */
    BAD_JSON,
    /**
     * The record could not be decoded at all (bad base64, corrupt gzip, KPL checksum, trigger
     * metadata that cannot key it), or the database refused it on its own (a poison record: the
     * detail names the error). One row on line 1 with the record's raw bytes.
     */
    BAD_RECORD,
    /**
     * The line would create a new series (a name, type and tag set not seen before) after its
     * source already created {@code DBRE_METRICS_MAX_NEW_SERIES_PER_MINUTE} new series in the last
     * minute: the cardinality guard, against a runaway tag such as a request id.
     */
    SERIES_LIMIT,
    /**
     * A metric or service check whose timestamp lies before the kept partitions of the data a rollup
     * recomputes from (the 10-second aggregates, 2 days by default): retention has expired them, so
     * storing it would make its minute (or hour) be recomputed from it alone. Refused, as Prometheus
     * refuses samples older than its head.
     */
    TOO_OLD,
    /**
     * A metric or service check whose timestamp lies at or after the end of the partitions
     * maintenance makes ahead ({@code DBRE_METRICS_PARTITIONS_AHEAD_DAYS} after today, 3 by
     * default): a wrong clock or {@code |T}, which would otherwise create partitions years ahead.
     */
    TOO_NEW;
}
