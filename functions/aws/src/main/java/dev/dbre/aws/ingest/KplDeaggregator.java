package dev.dbre.aws.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a KPL-aggregated Kinesis record into its user records.
 *
 * <p>Format (amazon-kinesis-producer, {@code aggregation-format.md}): the 4 magic bytes {@code F3
 * 89 9A C2}, a protobuf {@code AggregatedRecord}, then the 16-byte MD5 of the protobuf bytes.
 *
 * <pre>
 * message AggregatedRecord { repeated string partition_key_table = 1;
 *                            repeated string explicit_hash_key_table = 2;
 *                            repeated Record records = 3; }
 * message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                  required bytes data = 3; repeated Tag tags = 4; }
 * </pre>
 *
 * <p>Written by hand, on purpose: the only maintained de-aggregators (the KCL's {@code
 * AggregatorUtil}, the kinesis-aggregation library) bring the whole KCL or protobuf-java into the
 * Lambda jar for a reader of three fields; this one is a loop over bytes and costs nothing at cold
 * start.
 *
 * <p>Unlike the KCL, which silently treats a record with a bad checksum as a plain record, a record
 * that starts with the magic bytes but has a bad checksum or bad protobuf is reported as {@link
 * Result#error()} so that the caller keeps it as one BAD_RECORD reject.
 */
public final class KplDeaggregator {
    /** The KPL's magic prefix. */
    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    static final int DIGEST_BYTES = 16;

    /**
     * What a record held.
     *
     * @param aggregated true when the record starts with the KPL magic bytes
     * @param userRecords the user records' data, in order (the record itself when not aggregated);
     *     empty when {@code error} is set
     * @param error why an aggregated record could not be read, else null
     */
    public record Result(boolean aggregated, List<byte[]> userRecords, String error) {}

    private KplDeaggregator() {}

    /** True when {@code data} starts with the KPL magic bytes and is long enough to carry a digest. */
    public static boolean isAggregated(byte[] data) {
        if (data.length < MAGIC.length + DIGEST_BYTES) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Splits {@code data}; never throws. */
    public static Result deaggregate(byte[] data) {
        if (!isAggregated(data)) {
            return new Result(false, List.of(data), null);
        }
        int protoStart = MAGIC.length;
        int protoEnd = data.length - DIGEST_BYTES;
        byte[] expected = md5(data, protoStart, protoEnd - protoStart);
        if (!Arrays.equals(expected, 0, DIGEST_BYTES, data, protoEnd, data.length)) {
            return new Result(true, List.of(), "KPL aggregated record: MD5 checksum mismatch");
        }
        try {
            List<byte[]> users = readAggregatedRecord(data, protoStart, protoEnd);
            if (users.isEmpty()) {
                // The KPL never writes one; keep it visible rather than let the record vanish.
                return new Result(true, List.of(), "KPL aggregated record holds no user records");
            }
            return new Result(true, users, null);
        } catch (MalformedException e) {
            return new Result(true, List.of(), "KPL aggregated record: bad protobuf: " + e.getMessage());
        }
    }

    private static List<byte[]> readAggregatedRecord(byte[] b, int start, int end) throws MalformedException {
        List<byte[]> out = new ArrayList<>();
        Reader r = new Reader(b, start, end);
        while (r.hasMore()) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 3 && wire == 2) {
                int len = r.length();
                out.add(readRecordData(b, r.pos, r.pos + len));
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
        return out;
    }

    /** Returns the {@code data} field (3) of one {@code Record}. */
    private static byte[] readRecordData(byte[] b, int start, int end) throws MalformedException {
        Reader r = new Reader(b, start, end);
        byte[] data = null;
        while (r.hasMore()) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 3 && wire == 2) {
                int len = r.length();
                data = Arrays.copyOfRange(b, r.pos, r.pos + len);
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
        if (data == null) {
            throw new MalformedException("a user record has no data field");
        }
        return data;
    }

    private static byte[] md5(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(b, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** Protobuf wire-format reader over {@code [pos, end)}: varints, lengths, skipping. */
    private static final class Reader {
        final byte[] b;
        final int end;
        int pos;

        Reader(byte[] b, int start, int end) {
            this.b = b;
            this.pos = start;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        long varint() throws MalformedException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new MalformedException("truncated varint at byte " + pos);
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new MalformedException("varint longer than 10 bytes at byte " + pos);
        }

        int length() throws MalformedException {
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw new MalformedException("length " + len + " runs past the end at byte " + pos);
            }
            return (int) len;
        }

        void skip(int wire) throws MalformedException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> {
                    int len = length(); // not "pos += length()": that reads pos before length() moves it
                    pos += len;
                }
                case 5 -> advance(4);
                default -> throw new MalformedException("unsupported wire type " + wire + " at byte " + pos);
            }
        }

        private void advance(int n) throws MalformedException {
            if (end - pos < n) {
                throw new MalformedException("truncated field at byte " + pos);
            }
            pos += n;
        }
    }

    private static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }
}
