package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KplDeaggregatorTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aggregatedRecord_yieldsEachUserRecordInOrder() {
        byte[] agg = KplAggregator.aggregate("pk", List.of(utf8("a:1|c"), utf8("b:2|g\nc:3|ms"), new byte[0]));

        KplDeaggregator.Result r = KplDeaggregator.deaggregate(agg);

        assertThat(r.aggregated()).isTrue();
        assertThat(r.error()).isNull();
        assertThat(r.userRecords())
                .extracting(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactly("a:1|c", "b:2|g\nc:3|ms", "");
    }

    @Test
    void plainRecord_isReturnedAsIs() {
        byte[] plain = utf8("requests:1|c|#env:prod");

        KplDeaggregator.Result r = KplDeaggregator.deaggregate(plain);

        assertThat(r.aggregated()).isFalse();
        assertThat(r.userRecords()).containsExactly(plain);
    }

    @Test
    void magicButTooShortForADigest_isAPlainRecord() {
        byte[] shortOne = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1, 2};

        assertThat(KplDeaggregator.deaggregate(shortOne).aggregated()).isFalse();
    }

    @Test
    void badChecksum_isReportedNotDropped() {
        byte[] agg = KplAggregator.aggregate("pk", List.of(utf8("a:1|c")));
        agg[agg.length - 1] ^= 0x01;

        KplDeaggregator.Result r = KplDeaggregator.deaggregate(agg);

        assertThat(r.aggregated()).isTrue();
        assertThat(r.userRecords()).isEmpty();
        assertThat(r.error()).contains("MD5");
    }

    @Test
    void badProtobufWithValidChecksum_isReported() {
        // A length that runs past the end, with a correct MD5 over the bad bytes.
        byte[] proto = {0x1A, 0x7F, 0x01};
        byte[] agg = withMagicAndDigest(proto);

        KplDeaggregator.Result r = KplDeaggregator.deaggregate(agg);

        assertThat(r.error()).contains("bad protobuf").contains("length");
    }

    @Test
    void aggregateWithoutUserRecords_isReported() {
        byte[] agg = KplAggregator.aggregate("pk", List.of());

        assertThat(KplDeaggregator.deaggregate(agg).error()).contains("no user records");
    }

    @Test
    void arbitraryBytesAfterTheMagic_neverThrow() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] proto = new byte[random.nextInt(64)];
            random.nextBytes(proto);
            KplDeaggregator.Result r = KplDeaggregator.deaggregate(withMagicAndDigest(proto));
            assertThat(r.error() == null || r.userRecords().isEmpty()).isTrue();
        }
    }

    @Test
    void manyUserRecords_roundTrip() {
        List<byte[]> users = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            users.add(utf8("m" + i + ":" + i + "|c"));
        }

        KplDeaggregator.Result r = KplDeaggregator.deaggregate(KplAggregator.aggregate("pk", users));

        assertThat(r.userRecords()).hasSize(500);
        assertThat(new String(r.userRecords().get(499), StandardCharsets.UTF_8)).isEqualTo("m499:499|c");
    }

    private static byte[] withMagicAndDigest(byte[] proto) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(proto);
            byte[] out = new byte[4 + proto.length + 16];
            System.arraycopy(KplDeaggregator.MAGIC, 0, out, 0, 4);
            System.arraycopy(proto, 0, out, 4, proto.length);
            System.arraycopy(digest, 0, out, 4 + proto.length, 16);
            return out;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
