package dev.dbre.aws.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Test-only KPL aggregator: writes user records in the Kinesis Producer Library's aggregated
 * format (magic, protobuf AggregatedRecord, MD5), as the KPL does, including a partition key
 * table, an explicit hash key table and tags, so that the reader is exercised on every field.
 */
final class KplAggregator {
    private KplAggregator() {}

    static byte[] aggregate(String partitionKey, List<byte[]> userRecords) {
        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        writeBytes(proto, 1, partitionKey.getBytes(StandardCharsets.UTF_8));
        writeBytes(proto, 2, "170141183460469231731687303715884105728".getBytes(StandardCharsets.UTF_8));
        for (byte[] data : userRecords) {
            ByteArrayOutputStream rec = new ByteArrayOutputStream();
            writeVarintField(rec, 1, 0);
            writeVarintField(rec, 2, 0);
            writeBytes(rec, 3, data);
            ByteArrayOutputStream tag = new ByteArrayOutputStream();
            writeBytes(tag, 1, "producer".getBytes(StandardCharsets.UTF_8));
            writeBytes(tag, 2, "test".getBytes(StandardCharsets.UTF_8));
            writeBytes(rec, 4, tag.toByteArray());
            writeBytes(proto, 3, rec.toByteArray());
        }
        byte[] body = proto.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(KplDeaggregator.MAGIC);
        out.writeBytes(body);
        out.writeBytes(md5(body));
        return out.toByteArray();
    }

    private static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
        writeVarint(out, ((long) field << 3));
        writeVarint(out, value);
    }

    private static void writeBytes(ByteArrayOutputStream out, int field, byte[] data) {
        writeVarint(out, ((long) field << 3) | 2);
        writeVarint(out, data.length);
        out.writeBytes(data);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] md5(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
