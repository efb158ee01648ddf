package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.dbre.aws.event.BadEventException;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KinesisRecordsTest {
    private final KinesisEvent event = LambdaEvents.kinesis(KinesisIngestHandlerTest.FILE);
    private final List<SourceRecord> sources =
            KinesisRecords.toSourceRecords(event.getRecords(), Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void decodesShardSequenceArrivalAndSplitsTheKplRecord() {
        assertThat(sources).hasSize(6);
        assertThat(sources).extracting(SourceRecord::shard).containsOnly(KinesisIngestHandlerTest.SHARD);
        assertThat(sources).extracting(SourceRecord::subSequence).containsExactly(0, 0, 0, 0, 1, 2);
        assertThat(sources.get(0).arrival()).isEqualTo(Instant.parse("2023-11-14T22:13:20.123Z"));
        assertThat(sources).extracting(SourceRecord::format).containsOnly(PayloadFormat.AUTO);
        assertThat(new String(sources.get(4).payload(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("kpl.b:2|g\nkpl.c:3|ms");
        assertThat(KinesisRecords.source(event.getRecords().get(0))).isEqualTo(KinesisIngestHandlerTest.STREAM);
    }

    @Test
    void failures_nameEachFailedKinesisRecordOnce_evenWhenSeveralUserRecordsFailed() {
        List<RecordResult> results = new ArrayList<>();
        for (SourceRecord s : sources) {
            boolean fail = s.sequence().equals(KinesisIngestHandlerTest.SEQUENCES.get(3)) && s.subSequence() > 0
                    || s.sequence().equals(KinesisIngestHandlerTest.SEQUENCES.get(1));
            results.add(new RecordResult(
                    s.shard(),
                    s.sequence(),
                    s.subSequence(),
                    fail ? RecordOutcome.FAILED : RecordOutcome.STORED,
                    0,
                    0,
                    fail ? "connection lost" : null));
        }
        BatchResult result = new BatchResult(7, results, 0, 0, 0, 0, 0, 0, null);

        List<BatchItemFailure> failures = KinesisRecords.failures(event.getRecords(), result);

        assertThat(failures)
                .extracting(BatchItemFailure::getItemIdentifier)
                .containsExactly(KinesisIngestHandlerTest.SEQUENCES.get(1), KinesisIngestHandlerTest.SEQUENCES.get(3));
    }

    @Test
    void noFailedRecord_givesAnEmptyList() {
        List<RecordResult> results = sources.stream()
                .map(s ->
                        new RecordResult(s.shard(), s.sequence(), s.subSequence(), RecordOutcome.DUPLICATE, 0, 0, null))
                .toList();

        assertThat(KinesisRecords.failures(
                        event.getRecords(), new BatchResult(1, results, 0, 0, results.size(), 0, 0, 0, null)))
                .isEmpty();
    }

    @Test
    void bySource_keepsDeliveryOrder_andAnEmptyEventIsAnEmptyBatch() {
        assertThat(KinesisRecords.bySource(event))
                .containsOnlyKeys(KinesisIngestHandlerTest.STREAM)
                .extractingByKey(KinesisIngestHandlerTest.STREAM)
                .isEqualTo(event.getRecords());
        assertThat(KinesisRecords.bySource(null)).isEmpty();
        assertThat(KinesisRecords.bySource(new KinesisEvent())).isEmpty();
    }

    @Test
    void recordWithoutItsKinesisPart_isRefusedNamingTheField() {
        KinesisEvent bad = LambdaEvents.kinesis(KinesisIngestHandlerTest.FILE);
        bad.getRecords().get(1).setKinesis(null);

        assertThatThrownBy(() -> KinesisRecords.bySource(bad))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("Records[1].kinesis"));
    }

    @Test
    void recordWithoutASequenceNumber_isRefusedNamingTheField() {
        KinesisEvent bad = LambdaEvents.kinesis(KinesisIngestHandlerTest.FILE);
        bad.getRecords().get(2).getKinesis().setSequenceNumber(null);

        assertThatThrownBy(() -> KinesisRecords.bySource(bad))
                .isInstanceOfSatisfying(
                        BadEventException.class,
                        e -> assertThat(e.field()).isEqualTo("Records[2].kinesis.sequenceNumber"))
                .hasMessageContaining("is missing");
    }
}
