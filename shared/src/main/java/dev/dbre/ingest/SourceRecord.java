package dev.dbre.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * One record delivered by a trigger: its exactly-once key within the batch's source, when it
 * arrived, and its (already decoded: base64, gzip, KPL) payload bytes.
 *
 * @param shard Kinesis shard id, Event Hubs partition id, "" where the source has none
 * @param sequence Kinesis sequence number, Event Hubs sequence number, Pub/Sub message id, HTTP
 *     idempotency key
 * @param subSequence index of a user record inside a KPL-aggregated record, 0 otherwise
 * @param arrival when the platform received it; points without their own timestamp get this one
 * @param payload the bytes to parse
 * @param format how to parse them
 * @param decodeError non-null when the trigger could not decode the record (bad base64, corrupt
 *     gzip): the record is then stored as one reject with reason BAD_RECORD and this detail
 * @param payloadSha256 SHA-256 of the payload when the key must be bound to these bytes (a client's
 *     HTTP {@code Idempotency-Key}): stored with the key, and a later record with the same key and
 *     another digest is a {@link RecordOutcome#CONFLICT}; null where the platform assigns the key
 *     (stream sequence numbers cannot carry other bytes)
 */
public record SourceRecord(
        String shard,
        String sequence,
        int subSequence,
        Instant arrival,
        byte[] payload,
        PayloadFormat format,
        String decodeError,
        byte[] payloadSha256) {
    public SourceRecord {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(format, "format");
    }

    public SourceRecord(
            String shard,
            String sequence,
            int subSequence,
            Instant arrival,
            byte[] payload,
            PayloadFormat format,
            String decodeError) {
        this(shard, sequence, subSequence, arrival, payload, format, decodeError, null);
    }

    public SourceRecord(String shard, String sequence, Instant arrival, byte[] payload, PayloadFormat format) {
        this(shard, sequence, 0, arrival, payload, format, null, null);
    }

    /** A record whose bytes could not be decoded; it is kept as a BAD_RECORD reject. */
    public static SourceRecord undecodable(
            String shard, String sequence, int subSequence, Instant arrival, byte[] raw, String why) {
        return new SourceRecord(shard, sequence, subSequence, arrival, raw, PayloadFormat.DOGSTATSD, why);
    }
}
