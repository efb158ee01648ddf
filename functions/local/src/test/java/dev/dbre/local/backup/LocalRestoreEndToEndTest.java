package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.port.RestoreTarget;
import dev.dbre.restore.RestoreError;
import dev.dbre.restore.RestoreEvent;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoreState;
import dev.dbre.restore.Verifier;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Point-in-time restore end to end on real PostgreSQL servers: a source with WAL archiving, base
 * backups, recovery to a target time as a new server, verification, drills cleaned up.
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRestoreEndToEndTest {
    static LocalSource src;
    static Instant beforeBackup;
    static Instant between;
    static RestoreService service;
    static java.util.UUID betweenRun;
    static final Clock CLOCK = Clock.systemUTC();
    static final Duration BUDGET = Duration.ofMinutes(2);
    static final Duration POLL = Duration.ofMillis(100);

    final TestDatabase state;

    LocalRestoreEndToEndTest(TestDatabase state) {
        this.state = state;
    }

    @BeforeAll
    static void history(TestDatabase state) throws Exception {
        src = LocalSource.start("shop", false);
        beforeBackup = src.now();
        src.execute("create table orders (id int primary key, batch text not null)");
        src.provider.createSnapshot(src.ref, "shop-base", Map.of());
        src.execute("insert into orders select g, 'T1' from generate_series(1, 20) g");
        between = src.now();
        src.execute("insert into orders select g, 'T2' from generate_series(21, 30) g");
        service = new RestoreService(src.provider, state.connections(), (d, m) -> {});
    }

    @AfterAll
    static void stop() {
        src.close();
    }

    static RestoreRequest request(String json) {
        return RestoreRequest.parse(json);
    }

    @Test
    @Order(1)
    void restoreToATimeBetween_holdsExactlyTheFirstRows() throws Exception {
        RestoreService.Submitted sub = service.submit(
                request("{\"source\":\"shop\",\"targetTime\":\"" + between + "\",\"newName\":\"shop-between\","
                        + "\"verify\":[{\"name\":\"t1 rows\",\"sql\":\"select count(*) from orders\","
                        + "\"expect\":{\"equals\":20}},{\"name\":\"no t2\",\"sql\":"
                        + "\"select count(*) from orders where batch = 'T2'\",\"expect\":{\"equals\":0}}]}"),
                CLOCK.instant());
        List<RestoreState> seen = new ArrayList<>();
        betweenRun = sub.runId();

        RestoreRun run = service.runToCompletion(sub.runId(), CLOCK, BUDGET, POLL, r -> seen.add(r.state()));

        assertThat(run.state()).as(run.failureReason()).isEqualTo(RestoreState.VERIFIED);
        assertThat(seen)
                .containsExactly(
                        RestoreState.RESTORING, RestoreState.AVAILABLE, RestoreState.VERIFYING, RestoreState.VERIFIED);
        assertThat(run.recoverySeconds()).isPositive();
        try (Connection c = src.provider.connect("shop-between", "postgres").open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select string_agg(distinct batch, ','), count(*), max(id) from orders")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("T1");
            assertThat(rs.getInt(2)).isEqualTo(20);
            assertThat(rs.getInt(3)).isEqualTo(20);
        }
    }

    @Test
    @Order(2)
    void repeatedAdvance_ofAFinishedRestore_changesNothing() {
        RestoreRun run = service.submit(
                        request("{\"source\":\"shop\",\"targetTime\":\"" + between
                                + "\",\"newName\":\"shop-between\"}"),
                        CLOCK.instant())
                .run();
        int events = service.events(run.runId()).size();

        RestoreRun again = service.advance(run.runId(), CLOCK.instant(), BUDGET);

        assertThat(again.state()).isEqualTo(RestoreState.VERIFIED);
        assertThat(service.events(run.runId())).hasSize(events);
        assertThat(src.provider.runningPort("shop-between")).isPresent();
    }

    @Test
    @Order(3)
    void takenName_isRefused_andNothingChanges() throws Exception {
        long rows = state.queryLong("select count(*) from restore_runs");
        assertThatThrownBy(() -> service.submit(
                        request("{\"requestId\":\"again\",\"source\":\"shop\",\"latest\":true,"
                                + "\"newName\":\"shop-between\"}"),
                        CLOCK.instant()))
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo(RestoreError.NAME_TAKEN));
        assertThat(state.queryLong("select count(*) from restore_runs")).isEqualTo(rows);
    }

    @Test
    @Order(4)
    void targetBeforeTheFirstBackup_isRefused_andNothingChanges() throws Exception {
        long rows = state.queryLong("select count(*) from restore_runs");
        assertThatThrownBy(() -> service.submit(
                        request("{\"source\":\"shop\",\"targetTime\":\"" + beforeBackup
                                + "\",\"newName\":\"shop-too-early\"}"),
                        CLOCK.instant()))
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo(RestoreError.TARGET_OUTSIDE_WINDOW));
        assertThat(state.queryLong("select count(*) from restore_runs")).isEqualTo(rows);
        assertThat(src.provider.baseDir().resolve("restores/shop-too-early")).doesNotExist();
    }

    @Test
    @Order(5)
    void drill_verifiesTheLatestData_thenStopsTheServerAndRemovesItsFiles() throws Exception {
        src.provider.delete(new RestoreTarget(betweenRun, "shop-between", null));
        RestoreService.Submitted sub = service.submit(
                request("{\"source\":\"shop\",\"latest\":true,\"newName\":\"shop-drill\",\"drill\":true,"
                        + "\"verify\":[{\"name\":\"all rows\",\"sql\":\"select count(*) from orders\","
                        + "\"expect\":{\"atLeast\":30}},{\"name\":\"ids\",\"sql\":"
                        + "\"select id, batch from orders order by id\",\"expect\":{\"checksum\":\""
                        + expectedChecksum() + "\"}}]}"),
                CLOCK.instant());
        int[] port = {0};

        RestoreRun run = service.runToCompletion(sub.runId(), CLOCK, BUDGET, POLL, r -> {
            if (r.state() == RestoreState.AVAILABLE) {
                port[0] = r.endpointPort();
            }
        });

        assertThat(run.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(run.outcome()).as(run.failureReason()).isEqualTo(RestoreState.VERIFIED);
        assertThat(run.recoverySeconds()).isPositive();
        assertThat(port[0]).isPositive();
        assertThat(accepts(port[0])).isFalse();
        assertThat(src.provider.baseDir().resolve("restores/shop-drill")).doesNotExist();
        assertThat(service.events(sub.runId()))
                .extracting(RestoreEvent::state)
                .containsExactly(
                        RestoreState.REQUESTED,
                        RestoreState.RESTORING,
                        RestoreState.AVAILABLE,
                        RestoreState.VERIFYING,
                        RestoreState.VERIFIED,
                        RestoreState.CLEANED_UP);
    }

    @Test
    @Order(6)
    void corruptBackup_endsFailed_withTheReason() throws Exception {
        src.provider.createSnapshot(src.ref, "shop-corrupt", Map.of());
        Path data = src.provider.baseDir().resolve("snapshots/local/shop-corrupt/data/base");
        Path victim;
        try (Stream<Path> files = Files.walk(data)) {
            victim = files.filter(Files::isRegularFile)
                    .filter(p -> {
                        try {
                            return Files.size(p) > 8192;
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    })
                    .findFirst()
                    .orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(100);
            int b = f.read();
            f.seek(100);
            f.write(b ^ 0x55);
        }
        RestoreService.Submitted sub = service.submit(
                request("{\"source\":\"shop\",\"latest\":true,\"newName\":\"shop-corrupt-restore\",\"drill\":true}"),
                CLOCK.instant());

        RestoreRun run = service.runToCompletion(sub.runId(), CLOCK, BUDGET, POLL, r -> {});

        assertThat(run.state()).isEqualTo(RestoreState.CLEANED_UP);
        assertThat(run.outcome()).isEqualTo(RestoreState.FAILED);
        assertThat(run.failureReason())
                .contains("is corrupt")
                .contains(data.relativize(victim).toString());
        assertThat(src.provider.baseDir().resolve("restores/shop-corrupt-restore"))
                .doesNotExist();
    }

    static String expectedChecksum() throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(src.server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id, batch from orders order by id")) {
            return Verifier.checksum(rs);
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
