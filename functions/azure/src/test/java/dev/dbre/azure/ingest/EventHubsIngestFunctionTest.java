package dev.dbre.azure.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.RetryContext;
import com.microsoft.azure.functions.RpcException;
import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.AzureEvents.EventHubsInvocation;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sends {@code events/azure/eventhubs-batch.json} through the Event Hubs function, as the host
 * would, into a real (embedded) PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
class EventHubsIngestFunctionTest {
    private static final String SOURCE = "eventhubs:dbre-prod.servicebus.windows.net/metrics";

    private TestDatabase db;
    private EventHubsInvocation sample;

    @BeforeEach
    void freshDatabase() throws Exception {
        db = PostgresExtension.newDatabase();
        sample = AzureEvents.eventHubs("eventhubs-batch.json");
    }

    private void invoke(EventHubsIngestFunction f, EventHubsInvocation in, String invocationId) {
        f.run(
                in.events(),
                in.systemProperties(),
                in.partitionContext(),
                new SimpleExecutionContext(invocationId, EventHubsIngestFunction.NAME));
    }

    @Test
    void sampleBatch_storesEveryEventKeyedByPartitionAndSequence_andKeepsBadLines() throws Exception {
        invoke(new EventHubsIngestFunction(TestRuntimes.forDatabase(db)), sample, "inv-1");

        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + SOURCE
                        + "' and shard = '3' and sequence in ('4100','4101','4102','4103')"))
                .isEqualTo(4);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(7);
        assertThat(db.queryLong("select count(*) from service_checks where name = 'db.primary' and status = 0"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects_by_source where sequence = '4102'"))
                .isEqualTo(2);
        assertThat(
                        db.queryLong(
                                "select count(*) from ingest_rejects_by_source where sequence = '4102' and line = 3 and reason = 'BAD_VALUE'"))
                .isEqualTo(1);
        // A point without its own timestamp gets the event's EnqueuedTimeUtc.
        assertThat(
                        db.queryLong(
                                "select count(*) from metric_points where name = 'queue.depth' and ts = '2026-11-23T10:00:02.122Z'"))
                .isEqualTo(1);
    }

    @Test
    void retriedBatch_storesNoDuplicates() throws Exception {
        EventHubsIngestFunction f = new EventHubsIngestFunction(TestRuntimes.forDatabase(db));
        invoke(f, sample, "inv-1");
        long points = db.queryLong("select count(*) from metric_points");
        long rejects = db.queryLong("select count(*) from ingest_rejects");

        invoke(f, sample, "inv-2"); // the host redelivers the same events after a restart

        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(points);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(rejects);
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from ingest_batches")).isEqualTo(2);
    }

    @Test
    void databaseDown_throwsSoTheHostRetries_andTheRetryStoresEverythingOnce() throws Exception {
        EventHubsIngestFunction down = new EventHubsIngestFunction(TestRuntimes.forDatabaseDown());
        assertThatThrownBy(() -> invoke(down, sample, "inv-1"))
                .isInstanceOf(IngestNotStoredException.class)
                .hasMessageContaining("4 of 4 events not stored")
                .hasMessageContaining("the host retries");

        invoke(new EventHubsIngestFunction(TestRuntimes.forDatabase(db)), sample, "inv-1-retry");
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(7);
    }

    @Test
    void partitionsAreSeparateKeys() throws Exception {
        EventHubsIngestFunction f = new EventHubsIngestFunction(TestRuntimes.forDatabase(db));
        invoke(f, sample, "inv-1");
        Map<String, Object> otherPartition = new HashMap<>(sample.partitionContext());
        otherPartition.put("PartitionId", "4");
        invoke(f, new EventHubsInvocation(sample.events(), sample.systemProperties(), otherPartition), "inv-2");

        assertThat(db.queryLong("select count(*) from ingest_records where shard = '4'"))
                .isEqualTo(4);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(14);
    }

    @Test
    void twoConsumerGroupsIntoOneDatabase_storeEachEventOnce() throws Exception {
        EventHubsIngestFunction f = new EventHubsIngestFunction(TestRuntimes.forDatabase(db));
        invoke(f, sample, "inv-default");
        Map<String, Object> otherGroup = new HashMap<>(sample.partitionContext());
        otherGroup.put("ConsumerGroup", "audit");
        invoke(f, new EventHubsInvocation(sample.events(), sample.systemProperties(), otherGroup), "inv-audit");

        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(7);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(2);
        assertThat(db.queryLong("select duplicate_records from ingest_batches order by id desc limit 1"))
                .isEqualTo(4);
    }

    @Test
    void eventStoredUnderTheConsumerGroupKeyOfAnEarlierRelease_isADuplicate() throws Exception {
        // Written while the earlier release was still running (after the V7 migration): its key
        // names the consumer group.
        IngestBatch earlier = EventHubsBatch.of(
                sample.events(), sample.systemProperties(), sample.partitionContext(), null, TestRuntimes.CLOCK);
        new IngestService(db.connections(), ParseLimits.DEFAULTS, TestRuntimes.CLOCK)
                .ingest(new IngestBatch(SOURCE + "/$Default", earlier.records()));
        long points = db.queryLong("select count(*) from metric_points");

        invoke(new EventHubsIngestFunction(TestRuntimes.forDatabase(db)), sample, "inv-after-upgrade");

        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(points);
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + SOURCE + "'"))
                .isZero();
    }

    @Test
    void eventWithoutSequenceNumber_isKeptAsBadRecordKeyedByItsOffset_theOthersStored() throws Exception {
        // Today the whole batch is refused on every delivery, and the partition stops.
        sample.systemProperties()[1].SequenceNumber = null;
        sample.systemProperties()[2].SequenceNumber = "4102x";
        EventHubsIngestFunction f = new EventHubsIngestFunction(TestRuntimes.forDatabase(db));

        invoke(f, sample, "inv-1");
        invoke(f, sample, "inv-2"); // redelivered: nothing stored twice

        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from ingest_rejects_by_source where reason = 'BAD_RECORD'"
                        + " and sequence = 'offset:8589935104'"
                        + " and detail = 'SystemPropertiesArray[1] has no SequenceNumber'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects_by_source where reason = 'BAD_RECORD'"
                        + " and sequence = 'offset:8589935616' and detail like '%not a whole number%4102x%'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records where sequence in ('4100', '4103')"))
                .isEqualTo(2);
    }

    @Test
    void recordTheDatabaseRefuses_isKeptAsBadRecord_andTheBatchCompletes() throws Exception {
        db.execute("alter table metric_points add constraint no_poison check (name <> 'queue.depth')");
        EventHubsIngestFunction f = new EventHubsIngestFunction(TestRuntimes.forDatabase(db));

        invoke(f, sample, "inv-1"); // no exception: the host checkpoints

        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_RECORD'"
                        + " and detail like '%23514%no_poison%'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points where name = 'queue.depth'"))
                .isZero();
    }

    @Test
    void metadataThatCannotKeyTheBatch_failsLoudly_thenIsSkippedAfterTheBound() throws Exception {
        Map<String, Object> noPartition = new HashMap<>(sample.partitionContext());
        noPartition.remove("PartitionId");
        Map<String, String> settings =
                new HashMap<>(TestRuntimes.settings(db.server().port(), db.name()));
        settings.put("DBRE_EVENTHUB_MAX_BUG_RETRIES", "3");
        EventHubsIngestFunction f =
                new EventHubsIngestFunction(AzureIngestRuntime.fromEnv(new Env(settings), TestRuntimes.CLOCK));

        assertThatThrownBy(() -> f.run(sample.events(), sample.systemProperties(), noPartition, retry("inv-1", 0)))
                .isInstanceOf(IngestBugException.class)
                .hasMessageContaining("PartitionContext has no PartitionId")
                .hasMessageContaining("retry 1 of 3");
        assertThatThrownBy(() -> f.run(sample.events(), sample.systemProperties(), noPartition, retry("inv-1", 2)))
                .isInstanceOf(IngestBugException.class);
        // After the third retry the function gives up: the host checkpoints past the batch.
        f.run(sample.events(), sample.systemProperties(), noPartition, retry("inv-1", 3));
        assertThat(db.queryLong("select count(*) from ingest_records")).isZero();
    }

    @Test
    void faultThatIsNotTheEvents_throwsABugNotATransientFault() {
        Map<String, String> settings =
                new HashMap<>(TestRuntimes.settings(db.server().port(), db.name()));
        // A database without the schema: nothing, not even a reject row, can be written.
        settings.put("DBRE_DB_NAME", "postgres");
        EventHubsIngestFunction f =
                new EventHubsIngestFunction(AzureIngestRuntime.fromEnv(new Env(settings), TestRuntimes.CLOCK));

        assertThatThrownBy(() -> invoke(f, sample, "inv-1"))
                .isInstanceOf(IngestBugException.class)
                .hasMessageContaining("SQLSTATE 42P01");
    }

    /** The context the host passes on the {@code retries}-th retry of a batch. */
    private static ExecutionContext retry(String invocationId, int retries) {
        return new ExecutionContext() {
            @Override
            public Logger getLogger() {
                return Logger.getLogger(EventHubsIngestFunction.NAME);
            }

            @Override
            public String getInvocationId() {
                return invocationId;
            }

            @Override
            public String getFunctionName() {
                return EventHubsIngestFunction.NAME;
            }

            @Override
            public RetryContext getRetryContext() {
                return new RetryContext() {
                    @Override
                    public int getRetrycount() {
                        return retries;
                    }

                    @Override
                    public int getMaxretrycount() {
                        return -1;
                    }

                    @Override
                    public RpcException getException() {
                        return null;
                    }
                };
            }
        };
    }
}
