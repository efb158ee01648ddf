package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.schema.SchemaMigrator;
import dev.dbre.testing.EarlierSchema;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** V16 on a database whose restore runs were written before it: they are read and go on as point-in-time runs. */
@ExtendWith(PostgresExtension.class)
class SnapshotRestoreMigrationTest {
    @Test
    void runStoredBeforeV16_isReadWithoutASnapshot_andStartsAPointInTimeRestore() throws Exception {
        TestDatabase db = EarlierSchema.before("16");
        UUID runId = UUID.fromString("00000000-0000-4000-8000-000000000016");
        db.execute("insert into restore_runs (run_id, request_key, source_id, new_name, target_time, drill, request,"
                + " state, requested_at, updated_at, deadline_at) values ('" + runId + "', 'name:orders-old',"
                + " 'orders-db', 'orders-old', '2026-11-22T12:00:00Z', false,"
                + " '{\"source\":\"orders-db\",\"targetTime\":\"2026-11-22T12:00:00Z\",\"newName\":\"orders-old\"}',"
                + " 'REQUESTED', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z', '2026-11-23T16:00:00Z')");

        SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null);
        FakeRestoreProvider p = new FakeRestoreProvider()
                .source(
                        "orders-db",
                        false,
                        Instant.parse("2026-11-20T00:00:00Z"),
                        Instant.parse("2026-11-23T10:00:00Z"));
        RestoreService s = new RestoreService(p, db.connections(), (dims, metrics) -> {});
        RestoreRun before = s.find(runId).orElseThrow();
        RestoreRun after = s.advance(runId, Instant.parse("2026-11-23T10:01:00Z"), Duration.ofMinutes(5));

        assertThat(before.snapshot()).isNull();
        assertThat(before.request().kind()).isEqualTo(RestoreRequest.KIND_PITR);
        assertThat(after.state()).isEqualTo(RestoreState.RESTORING);
        assertThat(p.changingCalls()).containsExactly("startRestore orders-db 2026-11-22T12:00:00Z orders-old {}");
    }
}
