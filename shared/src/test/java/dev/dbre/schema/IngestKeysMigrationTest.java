package dev.dbre.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.testing.EarlierSchema;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V7: keys written by earlier releases (Event Hubs under the consumer group, Pub/Sub under the
 * event source URI) are rewritten to the stream's key, so a redelivery after the upgrade is a
 * duplicate.
 */
@ExtendWith(PostgresExtension.class)
class IngestKeysMigrationTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:01Z"), ZoneOffset.UTC);
    private static final String HUB = "eventhubs:dbre-prod.servicebus.windows.net/metrics";
    private static final String KINESIS = "arn:aws:kinesis:eu-west-1:123456789012:stream/metrics";

    private static SourceRecord record(String shard, String sequence) {
        return new SourceRecord(
                shard,
                sequence,
                Instant.parse("2026-11-23T10:00:00Z"),
                ("m." + sequence + ":1|c").getBytes(StandardCharsets.UTF_8),
                PayloadFormat.DOGSTATSD);
    }

    private static List<SourceRecord> records(String shard, String... sequences) {
        List<SourceRecord> out = new ArrayList<>();
        for (String s : sequences) {
            out.add(record(shard, s));
        }
        return out;
    }

    /**
     * Writes the batch and key rows an earlier release wrote for these records. Plain SQL, not
     * today's {@link IngestService}: today's service also writes columns that later migrations add.
     */
    private static void storedByAnEarlierRelease(TestDatabase db, String source, String shard, String... sequences)
            throws Exception {
        long batch = db.queryLong("insert into ingest_batches (source, shard, records, started_at) values ('" + source
                + "', '" + shard + "', " + sequences.length + ", now()) returning id");
        for (String sequence : sequences) {
            db.execute("insert into ingest_records (source, shard, sequence, batch_id, bytes) values ('" + source
                    + "', '" + shard + "', '" + sequence + "', " + batch + ", 10)");
        }
    }

    @Test
    void oldFormatKeys_areRewrittenToTheStream_andARedeliveryIsADuplicate() throws Exception {
        TestDatabase db = EarlierSchema.before("7");
        // What releases before V7 wrote: the reader in the source.
        storedByAnEarlierRelease(db, HUB + "/$Default", "3", "4100", "4101");
        storedByAnEarlierRelease(db, HUB + "/audit", "3", "4101", "4102"); // 4101 twice
        storedByAnEarlierRelease(
                db, "pubsub://pubsub.googleapis.com/projects/dbre-prod/topics/dbre-metrics", "", "m-1");
        storedByAnEarlierRelease(db, "pubsub:projects/dbre-prod/subscriptions/eventarc-sub", "", "m-2");
        storedByAnEarlierRelease(
                db, KINESIS, "shardId-000000000006", "49590338271490256608559692538361571095921575989136588898");
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(7);
        long points = db.queryLong("select count(*) from metric_points");

        assertThat(SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null)).isPositive();

        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + HUB + "' and shard = '3'"
                        + " and sequence in ('4100', '4101', '4102')"))
                .isEqualTo(3);
        // The event both consumer groups stored: the first key row is the stream's, the second
        // stays as it was (its points are not deleted).
        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + HUB + "/audit'"
                        + " and sequence = '4101'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records where source like '" + HUB + "/%'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records"
                        + " where source = 'pubsub:projects/dbre-prod/topics/dbre-metrics' and sequence = 'm-1'"))
                .isEqualTo(1);
        // A subscription does not tell its topic: left for the function's previous-source lookup.
        assertThat(db.queryLong("select count(*) from ingest_records"
                        + " where source = 'pubsub:projects/dbre-prod/subscriptions/eventarc-sub'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + KINESIS + "'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_batches where source like 'eventhubs:%/%/%'"
                        + " or source like 'pubsub://%'"))
                .isZero();

        // This release redelivers them keyed by the stream: nothing is stored twice.
        IngestService current = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        BatchResult again = current.ingest(new IngestBatch(HUB, records("3", "4100", "4101", "4102")));
        assertThat(again.duplicates()).isEqualTo(3);
        BatchResult pubsub =
                current.ingest(new IngestBatch("pubsub:projects/dbre-prod/topics/dbre-metrics", records("", "m-1")));
        assertThat(pubsub.duplicates()).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(points);
    }

    @Test
    void migratingTwice_changesNothingMore() throws Exception {
        TestDatabase db = EarlierSchema.before("7");
        storedByAnEarlierRelease(db, HUB + "/$Default", "0", "1");
        SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null);
        assertThat(SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null)).isZero();
        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + HUB + "'"))
                .isEqualTo(1);
    }
}
