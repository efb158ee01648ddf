package dev.dbre.azure.ingest;

import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the Event Hubs trigger's binding values into an {@link IngestBatch}.
 *
 * <p>Exactly-once key: source {@code eventhubs:<namespace>/<hub>}, shard = the partition id,
 * sequence = the event's {@code SequenceNumber} (unique and increasing within a partition, and the
 * same on every redelivery and in every consumer group). The key names the hub, not the consumer
 * group: two function apps reading one hub through two consumer groups into one database store
 * each event once. Releases before schema V7 put the consumer group in the source; that source is
 * passed as the batch's previous source, so an event stored under it is still a duplicate.
 */
final class EventHubsBatch {
    private EventHubsBatch() {}

    /**
     * @param bodies the event bodies ({@code dataType = "binary"})
     * @param properties {@code SystemPropertiesArray}, one per body
     * @param partitionContext {@code PartitionContext}
     * @param namespaceFallback used when the PartitionContext has no FullyQualifiedNamespace
     * @throws IllegalArgumentException when the metadata cannot key the batch (a missing partition,
     *     hub or namespace, or an array of the wrong length); the message names the field. One event
     *     whose SequenceNumber is missing or not a number does not fail the batch: it becomes an
     *     undecodable record (kept as a BAD_RECORD reject), keyed by its Offset, or without one by
     *     a digest of its enqueued time and body, so a redelivery finds it stored.
     */
    static IngestBatch of(
            List<byte[]> bodies,
            SystemProperty[] properties,
            Map<String, Object> partitionContext,
            String namespaceFallback,
            Clock clock) {
        EventHubsPartition partition = EventHubsPartition.of(partitionContext, Optional.ofNullable(namespaceFallback));
        int n = bodies == null ? 0 : bodies.size();
        int m = properties == null ? 0 : properties.length;
        if (n != m) {
            throw new IllegalArgumentException("SystemPropertiesArray has " + m + " entries for " + n + " events");
        }
        List<SourceRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SystemProperty p = properties[i] == null ? new SystemProperty() : properties[i];
            Instant arrival = enqueued(p.EnqueuedTimeUtc, clock);
            byte[] body = bodies.get(i);
            String sequence = canonicalSequence(p.SequenceNumber);
            String shard = partition.partitionId();
            if (sequence == null) {
                records.add(badSequence(shard, p, i, arrival, body));
                continue;
            }
            records.add(
                    body == null
                            ? SourceRecord.undecodable(
                                    shard, sequence, 0, arrival, new byte[0], "the event has no body")
                            : new SourceRecord(shard, sequence, arrival, body, PayloadFormat.AUTO));
        }
        return new IngestBatch(
                partition.source(),
                records,
                partition.sourceBeforeV7().map(List::of).orElse(List.of()));
    }

    /**
     * The sequence number as a plain integer: the worker may hand over "42" or "42.0" (a JSON
     * number read as a double), and both must give the same key. Null when missing or not a whole
     * number.
     */
    private static String canonicalSequence(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.trim();
        String t = s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
        try {
            return Long.toString(Long.parseLong(t));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * An event whose SequenceNumber cannot key it: a poison record, kept with its body as a
     * BAD_RECORD reject. Its key must be the same on every redelivery and never a sequence number:
     * {@code offset:<Offset>} when the Offset is a number, else {@code digest:<SHA-256 of the
     * enqueued time and the body>}.
     */
    private static SourceRecord badSequence(
            String partition, SystemProperty p, int index, Instant arrival, byte[] body) {
        String why = p.SequenceNumber == null || p.SequenceNumber.isBlank()
                ? "SystemPropertiesArray[" + index + "] has no SequenceNumber"
                : "SystemPropertiesArray[" + index + "].SequenceNumber is not a whole number: '"
                        + cut(p.SequenceNumber.trim()) + "'";
        byte[] raw = body == null ? new byte[0] : body;
        String offset = p.Offset == null ? "" : p.Offset.trim();
        String key = offset.matches("[0-9]{1,20}") ? "offset:" + offset : "digest:" + digest(p.EnqueuedTimeUtc, raw);
        return SourceRecord.undecodable(partition, key, 0, arrival, raw, why);
    }

    private static String digest(String enqueued, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(enqueued).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            return HexFormat.of().formatHex(sha.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String cut(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** EnqueuedTimeUtc comes as ISO-8601, with or without the zone (then UTC). */
    private static Instant enqueued(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            return clock.instant();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return clock.instant();
            }
        }
    }
}
