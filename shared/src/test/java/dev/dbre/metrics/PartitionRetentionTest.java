package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retention with a moving clock, for every partitioned table of the metric store: partitions are
 * created ahead of the clock, kept until their retention after their end, then dropped whole, and
 * the rows of the partitions kept stay as they were. The raw tables' partitions are dropped even
 * after raw points were turned off.
 */
@ExtendWith(PostgresExtension.class)
class PartitionRetentionTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** The documented retentions (2, 35, 400, 800 days; raw points and checks 2), with raw points on. */
    private static final MetricStoreSettings SETTINGS = MetricStoreSettings.WITH_RAW_POINTS;

    private final TestDatabase db;
    private final MaintenanceService maintenance;

    PartitionRetentionTest(TestDatabase db) {
        this.db = db;
        this.maintenance = new MaintenanceService(db.connections(), SETTINGS);
    }

    /** So that the test below, over {@link MetricTable}, covers every table retention must keep short. */
    @Test
    void everyPartitionedTableOfTheSchema_isAMetricTable() throws SQLException {
        List<String> partitioned = new ArrayList<>();
        try (Connection c = db.open();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery("select c.relname from pg_partitioned_table p"
                        + " join pg_class c on c.oid = p.partrelid"
                        + " where c.relnamespace = (select oid from pg_namespace where nspname = current_schema())")) {
            while (rs.next()) {
                partitioned.add(rs.getString(1));
            }
        }
        assertThat(partitioned)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(MetricTable.values())
                        .map(MetricTable::table)
                        .toList());
    }

    @ParameterizedTest
    @EnumSource(MetricTable.class)
    void partitionsAreCreatedAhead_keptThroughTheirRetention_thenDropped_andKeptRowsStayIntact(MetricTable table)
            throws SQLException {
        dropEveryPartition(table);
        long today = MetricTable.epochDay(T0);

        // Created ahead: from yesterday to the days ahead, as the table cuts them.
        MaintenanceService.Report first = run(T0);
        assertThat(first.createdByTable().get(table)).containsExactlyElementsOf(aheadOf(table, T0));
        assertThat(partitions(table))
                .filteredOn(p -> !p.equals(defaultPartition(table)))
                .containsExactlyInAnyOrderElementsOf(aheadOf(table, T0));

        // One row in the partition before today's, one in today's.
        MetricTable.Partition current = table.partition(table.partitionStartDay(today));
        MetricTable.Partition previous = table.partition(
                table.partitionStartDay(today) - table.partitionWidth().toDays());
        ensure(previous);
        insert(table, previous.lower(), 1);
        insert(table, current.lower(), 2);
        assertThat(rows(table)).containsExactly(previous.name() + "=1.0", current.name() + "=2.0");

        // Kept until its retention after its end, to the second.
        Instant expiry = previous.upper().plus(Duration.ofDays(SETTINGS.retentionDays(table)));
        MaintenanceService.Report justBefore = run(expiry.minusSeconds(1));
        assertThat(justBefore.droppedByTable().getOrDefault(table, List.of())).isEmpty();
        assertThat(rows(table)).containsExactly(previous.name() + "=1.0", current.name() + "=2.0");

        MaintenanceService.Report atExpiry = run(expiry);
        assertThat(atExpiry.droppedByTable().get(table)).containsExactly(previous.name());
        assertThat(partitions(table))
                .doesNotContain(previous.name())
                .contains(current.name())
                .containsAll(aheadOf(table, expiry));
        assertThat(rows(table)).containsExactly(current.name() + "=2.0");
        if (table.raw()) {
            assertThat(partitions(table))
                    .as("the default partition is never dropped")
                    .contains(defaultPartition(table));
        }

        Instant currentExpiry = current.upper().plus(Duration.ofDays(SETTINGS.retentionDays(table)));
        assertThat(run(currentExpiry).droppedByTable().get(table)).contains(current.name());
        assertThat(rows(table)).isEmpty();
    }

    /**
     * Raw points turned off after a while (the default): the raw tables get no new partitions, but
     * those they have are still dropped after the raw retention, so nothing is kept forever.
     */
    @ParameterizedTest
    @EnumSource(
            value = MetricTable.class,
            names = {"RAW", "RAW_CHECKS"})
    void rawTurnedOff_createsNoRawPartitions_butStillDropsTheExpiredOnes(MetricTable table) throws SQLException {
        dropEveryPartition(table);
        long today = MetricTable.epochDay(T0);
        MetricTable.Partition old = table.partition(today - 1);
        ensure(old);
        insert(table, old.lower(), 1);
        MaintenanceService rawOff = new MaintenanceService(db.connections(), SETTINGS.withRawPoints(false));

        MaintenanceService.Report atT0 = run(rawOff, T0);
        assertThat(atT0.createdByTable().getOrDefault(table, List.of())).isEmpty();
        assertThat(partitions(table)).containsExactlyInAnyOrder(old.name(), defaultPartition(table));

        Instant expiry = old.upper().plus(Duration.ofDays(SETTINGS.retentionDays(table)));
        assertThat(run(rawOff, expiry).droppedByTable().get(table)).containsExactly(old.name());
        assertThat(partitions(table)).containsExactly(defaultPartition(table));
        assertThat(rows(table)).isEmpty();
    }

    private MaintenanceService.Report run(Instant now) throws SQLException {
        return run(maintenance, now);
    }

    private MaintenanceService.Report run(MaintenanceService maintenance, Instant now) throws SQLException {
        // No rollup budget: this test is about partitions only, so the rollups are marked as having
        // read everything up to now (retention never drops what a rollup has not read yet).
        db.execute("insert into metric_rollup_state (resolution, rolled_until) select r, '" + now
                + "'::timestamptz from unnest(array['1m', '1h', '1d']) r on conflict (resolution) do update"
                + " set rolled_until = excluded.rolled_until");
        return maintenance.run(Clock.fixed(now, ZoneOffset.UTC), Duration.ZERO, false);
    }

    /** The partitions from yesterday to the days ahead, in order. */
    private static List<String> aheadOf(MetricTable table, Instant now) {
        long today = MetricTable.epochDay(now);
        TreeSet<Long> starts = new TreeSet<>();
        for (long d = today - 1; d <= today + SETTINGS.partitionsAheadDays(); d++) {
            starts.add(table.partitionStartDay(d));
        }
        return starts.stream().map(s -> table.partition(s).name()).toList();
    }

    /**
     * Starts the table with no partition (a raw table keeps its empty default one). Another
     * parameter's clock may have left some, and a raw table's partition of the rows from before it
     * was partitioned (V9, V19) covers every day up to the one the template database was migrated on.
     */
    private void dropEveryPartition(MetricTable table) throws SQLException {
        for (String p : partitions(table)) {
            if (!p.equals(defaultPartition(table))) {
                db.execute("drop table \"" + p + "\"");
            }
        }
        if (table.raw()) {
            db.execute("truncate " + defaultPartition(table));
        }
    }

    /** A raw table's partition for rows of days with no partition of their own (none for the others). */
    private static String defaultPartition(MetricTable table) {
        return table.raw() ? table.table() + "_default" : null;
    }

    private void ensure(MetricTable.Partition p) throws SQLException {
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
            ps.setString(1, p.parent().table());
            ps.setTimestamp(2, Timestamp.from(p.lower()));
            ps.setTimestamp(3, Timestamp.from(p.upper()));
            ps.setString(4, p.name());
            ps.execute();
        }
    }

    private void insert(MetricTable table, Instant at, double value) throws SQLException {
        // A service check's status (0..3) stands for the value.
        String sql = switch (table) {
            case RAW ->
                "insert into metric_points (record_id, line, idx, ts, name, type, value) values (1, 1, 0, ?, 'm', 'g', ?)";
            case RAW_CHECKS ->
                "insert into service_checks (record_id, line, ts, name, status) values (1, 1, ?, 'c', ?::int2)";
            default -> "insert into " + table.table() + " (series_id, bucket, n) values (1, ?, ?)";
        };
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setDouble(2, value);
            ps.executeUpdate();
        }
    }

    /** Every row as {@code partition=value}, oldest first. */
    private List<String> rows(MetricTable table) throws SQLException {
        String sql = switch (table) {
            case RAW -> "select tableoid::regclass::text, value from metric_points order by ts";
            case RAW_CHECKS -> "select tableoid::regclass::text, status from service_checks order by ts";
            default -> "select tableoid::regclass::text, n from " + table.table() + " order by bucket";
        };
        List<String> out = new ArrayList<>();
        try (Connection c = db.open();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getDouble(2));
            }
        }
        return out;
    }

    private List<String> partitions(MetricTable table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement("select c.relname from pg_inherits i"
                        + " join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent"
                        + " where p.relname = ?")) {
            ps.setString(1, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
