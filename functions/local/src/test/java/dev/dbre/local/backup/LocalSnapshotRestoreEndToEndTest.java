package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.embedded.LocalPostgres;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Snapshot;
import dev.dbre.restore.RestoreError;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoreState;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Restore from a snapshot end to end on real PostgreSQL servers: two databases attached to one
 * local provider, each snapshotted at different times with rows added in between (and after); a
 * restore from a snapshot holds exactly that snapshot's rows, whatever was committed later.
 */
@ExtendWith(PostgresExtension.class)
class LocalSnapshotRestoreEndToEndTest {
    static final Clock CLOCK = Clock.systemUTC();
    static final Duration BUDGET = Duration.ofMinutes(2);
    static final Duration POLL = Duration.ofMillis(100);
    static final Map<String, String> GOLD =
            Map.of(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE, Snapshot.TAG_POLICY, "gold");

    static LocalSource shop;
    static LocalPostgres billingServer;
    static RestoreService service;

    @BeforeAll
    static void history(TestDatabase state) throws Exception {
        shop = LocalSource.start("shop", false);
        billingServer = LocalPostgres.start(
                shop.provider.baseDir().resolveSibling("billing"), 0, LocalBackupProvider.ARCHIVING);
        DatabaseRef billing =
                new DatabaseRef("billing", LocalBackupProvider.KIND, LocalBackupProvider.REGION, Map.of(), false);
        shop.provider.attach(billing, billingServer);

        shop.execute("create table orders (id int primary key, batch text not null)");
        shop.execute("insert into orders select g, 'S1' from generate_series(1, 10) g");
        Snapshot older = shop.provider.createSnapshot(shop.ref, "dbre-shop-older", GOLD);
        execute(billingServer, "create table invoices (id int primary key)");
        execute(billingServer, "insert into invoices select generate_series(1, 5)");
        shop.provider.createSnapshot(billing, "dbre-billing-1", GOLD);
        execute(billingServer, "insert into invoices select generate_series(6, 9)");
        shop.execute("insert into orders select g, 'S2' from generate_series(11, 25) g");
        shop.provider.createSnapshot(shop.ref, "dbre-shop-newer", GOLD);
        // After every snapshot: no snapshot restore may hold these.
        shop.execute("insert into orders select g, 'S3' from generate_series(26, 30) g");
        Map<String, String> copyTags = new java.util.HashMap<>(GOLD);
        copyTags.put(Snapshot.TAG_COPY_OF, older.id());
        shop.provider.copySnapshot(older, "second", null, "dbre-shop-older-copy", copyTags);
        service = new RestoreService(shop.provider, state.connections(), (d, m) -> {});
    }

    @AfterAll
    static void stop() {
        shop.provider.detach("billing");
        shop.close();
        billingServer.close();
    }

    static void execute(LocalPostgres server, String sql) throws SQLException {
        try (Connection c = dev.dbre.db.JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static RestoreRun restore(String source, String newName, String snapshot, boolean drill, String verify)
            throws InterruptedException {
        RestoreService.Submitted sub = service.submit(
                RestoreRequest.parse("{\"source\":\"" + source + "\",\"newName\":\"" + newName + "\",\"snapshot\":"
                        + snapshot + ",\"drill\":" + drill + ",\"verify\":" + verify + "}"),
                CLOCK.instant());
        return service.runToCompletion(sub.runId(), CLOCK, BUDGET, POLL, r -> {});
    }

    /** "S1:10" for the batches of the restored orders and their counts. */
    static String batches(String newName) throws SQLException {
        try (Connection c = shop.provider.connect(newName, "postgres").open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select string_agg(batch || ':' || n, ',' order by batch)"
                        + " from (select batch, count(*) n from orders group by batch) b")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void restoreFromTheOlderSnapshot_holdsExactlyItsRows_notTheLaterOnes() throws Exception {
        RestoreRun run = restore(
                "shop",
                "shop-from-older",
                "{\"id\":\"dbre-shop-older\"}",
                false,
                "[{\"name\":\"older rows\",\"sql\":\"select count(*) from orders\",\"expect\":{\"equals\":10}}]");

        assertThat(run.state()).as(run.failureReason()).isEqualTo(RestoreState.VERIFIED);
        assertThat(run.snapshot().id()).isEqualTo("dbre-shop-older");
        assertThat(batches("shop-from-older")).isEqualTo("S1:10");
        assertThat(java.nio.file.Files.readString(
                        shop.provider.baseDir().resolve("restores/shop-from-older/restore.json")))
                .contains("\"snapshotId\" : \"dbre-shop-older\"", "\"snapshotOnly\" : true");
    }

    @Test
    void newestOfPolicy_isTheNewerSnapshot_withoutWhatCameAfterIt_andADrillIsCleanedUp() throws Exception {
        RestoreRun run = restore(
                "shop",
                "shop-newest-gold",
                "{\"newestOfPolicy\":\"gold\"}",
                true,
                "[{\"name\":\"rows of the newer snapshot\",\"sql\":\"select count(*) from orders\","
                        + "\"expect\":{\"equals\":25}},{\"name\":\"nothing after\",\"sql\":"
                        + "\"select count(*) from orders where batch = 'S3'\",\"expect\":{\"equals\":0}}]");

        assertThat(run.snapshot().id()).isEqualTo("dbre-shop-newer");
        assertThat(run.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(run.outcome()).as(run.failureReason()).isEqualTo(RestoreState.VERIFIED);
        assertThat(shop.provider.baseDir().resolve("restores/shop-newest-gold")).doesNotExist();
    }

    @Test
    void newestCopyInAnotherRegion_restoresTheCopy_withTheOriginalsRows() throws Exception {
        RestoreRun run = restore(
                "shop",
                "shop-from-copy",
                "{\"newestCopyInRegion\":\"second\",\"policy\":\"gold\"}",
                false,
                "[{\"name\":\"older rows\",\"sql\":\"select count(*) from orders\",\"expect\":{\"equals\":10}}]");

        assertThat(run.state()).as(run.failureReason()).isEqualTo(RestoreState.VERIFIED);
        assertThat(run.snapshot().region()).isEqualTo("second");
        assertThat(run.request().kind()).isEqualTo(RestoreRequest.KIND_COPY);
        assertThat(batches("shop-from-copy")).isEqualTo("S1:10");
    }

    @Test
    void theOtherDatabasesSnapshot_holdsItsOwnRowsOfItsTime() throws Exception {
        RestoreRun run = restore(
                "billing",
                "billing-from-snap",
                "{\"newestOfPolicy\":\"gold\"}",
                true,
                "[{\"name\":\"invoices then\",\"sql\":\"select count(*) from invoices\",\"expect\":{\"equals\":5}}]");

        assertThat(run.snapshot().id()).isEqualTo("dbre-billing-1");
        assertThat(run.outcome()).as(run.failureReason()).isEqualTo(RestoreState.VERIFIED);
    }

    @Test
    void noSnapshotOfThePolicy_isRefusedNamingTheField_beforeAnything() {
        assertThatThrownBy(() -> service.submit(
                        RestoreRequest.parse("{\"source\":\"shop\",\"newName\":\"shop-none\","
                                + "\"snapshot\":{\"newestOfPolicy\":\"bronze\"}}"),
                        CLOCK.instant()))
                .isInstanceOfSatisfying(RestoreRejectedException.class, e -> {
                    assertThat(e.error()).isEqualTo(RestoreError.SNAPSHOT_NOT_FOUND);
                    assertThat(e.field()).isEqualTo("snapshot.newestOfPolicy");
                });
        assertThat(shop.provider.baseDir().resolve("restores/shop-none")).doesNotExist();
    }
}
