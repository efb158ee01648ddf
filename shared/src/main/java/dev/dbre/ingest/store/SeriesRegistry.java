package dev.dbre.ingest.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dbre.ingest.store.BatchAggregates.Series;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Interns series in {@code metric_series} in the caller's transaction and applies the cardinality
 * guard: a source may create at most {@code maxNewSeriesPerMinute} series per minute; the series
 * beyond it are refused (their lines become {@code SERIES_LIMIT} rejects).
 *
 * <p>The guard counts the series the source created in the minute before {@code now}, as committed
 * when the batch looks: two batches of one source committing at the same time may together create
 * up to twice the limit (the bound is per batch, not a lock on the source).
 *
 * <p>Series are inserted in key order ({@code ON CONFLICT DO NOTHING}), so two batches creating
 * the same series wait for each other instead of deadlocking; ids enter the {@link SeriesCache} only
 * after the caller commits ({@link #remember}).
 */
final class SeriesRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    // One series per element: [name, type, [tags...]], with its position in the request.
    private static final String INPUT = "with input as (select x.ord, x.e->>0 as name, x.e->>1 as type,"
            + " array(select t from jsonb_array_elements_text(x.e->2) with ordinality as u(t, k) order by u.k)"
            + " as tags from jsonb_array_elements(?::jsonb) with ordinality as x(e, ord))";
    private static final String LOOKUP = INPUT + " select i.ord, s.id from input i join metric_series s"
            + " on s.name = i.name and s.type = i.type and s.tags = i.tags";
    private static final String INSERT = INPUT + " insert into metric_series (name, type, tags, source, created_at)"
            + " select name, type, tags, ?, ? from input order by name, type, tags"
            + " on conflict on constraint metric_series_key do nothing";
    private static final String CREATED_LAST_MINUTE =
            "select count(*) from metric_series where source = ? and created_at > ? and created_at <= ?";

    private final SeriesCache cache;
    private final int maxNewSeriesPerMinute;

    SeriesRegistry(SeriesCache cache, int maxNewSeriesPerMinute) {
        this.cache = cache;
        this.maxNewSeriesPerMinute = maxNewSeriesPerMinute;
    }

    /**
     * Gives every series of {@code batch} its id, creating the new ones the guard allows.
     *
     * @return the series refused by the guard (their {@code refused} flag is set)
     * @throws SQLException on any database error
     */
    List<Series> resolve(Connection c, String source, BatchAggregates batch, Instant now) throws SQLException {
        List<Series> unknown = new ArrayList<>();
        for (Series s : batch.series()) {
            if (s.id < 0) {
                unknown.add(s);
            }
        }
        if (unknown.isEmpty()) {
            return List.of();
        }
        lookup(c, unknown);
        List<Series> fresh = new ArrayList<>();
        for (Series s : unknown) {
            if (s.id < 0) {
                fresh.add(s);
            }
        }
        if (fresh.isEmpty()) {
            return List.of();
        }
        long allowed = Math.max(0, maxNewSeriesPerMinute - createdLastMinute(c, source, now));
        List<Series> create = fresh.subList(0, (int) Math.min(allowed, fresh.size()));
        List<Series> refused = new ArrayList<>(fresh.subList(create.size(), fresh.size()));
        if (!create.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, json(create));
                ps.setString(2, source);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.executeUpdate();
            }
            lookup(c, create); // also finds the ones a concurrent batch created first
        }
        for (Series s : refused) {
            s.refused = true;
        }
        return refused;
    }

    /** Puts the ids of a committed transaction's series in the cache. */
    void remember(BatchAggregates batch) {
        for (Series s : batch.series()) {
            if (s.pending != null && s.id >= 0) {
                cache.put(s.key, s.hash, s.id);
            }
        }
    }

    private static void lookup(Connection c, List<Series> series) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            ps.setString(1, json(series));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    series.get((int) rs.getLong(1) - 1).id = rs.getLong(2);
                }
            }
        }
    }

    private long createdLastMinute(Connection c, String source, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CREATED_LAST_MINUTE)) {
            ps.setString(1, source);
            ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofMinutes(1))));
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String json(List<Series> series) {
        ArrayNode all = JsonNodeFactory.instance.arrayNode(series.size());
        for (Series s : series) {
            ArrayNode one = all.addArray();
            one.add(s.name());
            one.add(s.type().code());
            ArrayNode tags = one.addArray();
            for (String t : s.tags()) {
                tags.add(t);
            }
        }
        try {
            return JSON.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("series JSON could not be written", e);
        }
    }
}
