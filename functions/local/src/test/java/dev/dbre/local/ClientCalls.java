package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the client compatibility test asks a DogStatsD client to send ({@link #CALLS}, the same
 * list for every client), and the checks that every call came out of {@code dbre parse} and out
 * of the ingest path (PostgreSQL) as exactly what was asked, field by field.
 *
 * <p>Each point, check and event is written as one line of text holding every field, built
 * three ways: from the call (what the application asked), from {@code dbre parse}'s JSON, and
 * from the stored rows. The three lists must be equal (as multisets).
 */
final class ClientCalls {
    static final String PREFIX = "app.";
    static final List<String> CONSTANT_TAGS = List.of("service:orders", "env:ci");
    static final String CONTAINER = "ci-83a8f1b8d2f3e1a0";
    /** Clients drop a sampled call at random: a sampled call is made this many times. */
    static final int SAMPLED_REPEAT = 40;
    /** The name prefix of the clients' own telemetry lines. */
    static final String TELEMETRY_PREFIX = "datadog.dogstatsd.client.";

    sealed interface Call permits MetricCall, CheckCall, EventCall {}

    /**
     * @param method count, gauge, histogram, distribution, timing or set
     * @param member a set's member (value unused), else null
     * @param ts Unix seconds (countWithTimestamp, gaugeWithTimestamp), or null
     */
    record MetricCall(
            String method,
            String name,
            double value,
            String member,
            double rate,
            List<String> tags,
            Long ts,
            int repeat)
            implements Call {}

    record CheckCall(String name, int status, String hostname, String message, long ts, List<String> tags)
            implements Call {}

    record EventCall(
            String title,
            String text,
            String hostname,
            String aggregationKey,
            String priority,
            String sourceType,
            String alertType,
            long ts,
            List<String> tags)
            implements Call {}

    /**
     * The timestamps the calls carry: an hour ago, whole seconds, so that {@code dbre ingest} at
     * the wall clock stores them (a point days old is {@code TOO_OLD}).
     */
    static final long TS = Instant.now().getEpochSecond() / 60 * 60 - 3600;

    static final List<Call> CALLS = List.of(
            new MetricCall("count", "db.queries", 3, null, 1, List.of("db:orders", "role:primary"), null, 1),
            new MetricCall("count", "db.rollbacks", -2, null, 1, List.of("db:orders"), null, 1),
            new MetricCall("count", "db.queries.sampled", 2, null, 0.5, List.of("db:orders"), null, SAMPLED_REPEAT),
            new MetricCall("gauge", "db.connections", 12.5, null, 1, List.of("role:primary"), null, 1),
            new MetricCall("histogram", "db.rows", 42, null, 1, List.of("db:orders"), null, 1),
            new MetricCall("histogram", "db.rows.sampled", 7, null, 0.25, List.of(), null, SAMPLED_REPEAT),
            new MetricCall("distribution", "db.latency", 0.25, null, 1, List.of("db:orders"), null, 1),
            new MetricCall("timing", "db.txn", 150, null, 1, List.of(), null, 1),
            new MetricCall("set", "db.users", 0, "user-17", 1, List.of("db:orders"), null, 1),
            new MetricCall("gauge", "db.size", 1024, null, 1, List.of("db:orders"), TS, 1),
            new MetricCall("count", "db.commits", 7, null, 1, List.of("db:orders"), TS + 1, 1),
            new CheckCall("db.can_connect", 2, "db-1", "connection refused | port 5432", TS + 2, List.of("db:orders")),
            new EventCall(
                    "failover",
                    "primary db-1\nreplica db-2 promoted",
                    "db-2",
                    "orders-failover",
                    "low",
                    "postgres",
                    "warning",
                    TS + 3,
                    List.of("db:orders")));

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientCalls() {}

    /** How a client writes what it was asked: whether it puts its prefix on service check names. */
    record Client(String telemetryName, boolean prefixesCheckNames) {}

    /** The client's settings and the calls as JSON, for a driver in another language. */
    static String callsAsJson() {
        ObjectNode input = JSON.createObjectNode();
        input.put("prefix", PREFIX);
        CONSTANT_TAGS.forEach(input.putArray("constantTags")::add);
        input.put("container", CONTAINER);
        ArrayNode all = input.putArray("calls");
        for (Call call : CALLS) {
            ObjectNode o = JSON.valueToTree(call);
            o.put(
                    "kind",
                    switch (call) {
                        case MetricCall m -> "metric";
                        case CheckCall c -> "check";
                        case EventCall e -> "event";
                    });
            all.add(o);
        }
        return input.toString();
    }

    /**
     * Feeds the captured datagrams through {@code dbre parse} and {@code dbre ingest} (into {@code
     * db}) and checks both against {@link #CALLS}, and the client's telemetry lines.
     */
    static void assertEveryCallArrivedAsAsked(Client client, byte[] datagrams, TestDatabase db, Path dir)
            throws IOException, SQLException {
        Path file = dir.resolve("datagrams.txt");
        Files.write(file, datagrams);

        Cli parse = Cli.run("parse", file.toString());
        assertThat(parse.exitCode()).as(parse.err()).isZero();
        List<String> parsed = new ArrayList<>();
        List<JsonNode> telemetry = new ArrayList<>();
        for (String line : parse.out().split("\n")) {
            JsonNode o = JSON.readTree(line);
            assertThat(o.path("kind").asText()).as("dbre parse: %s", line).isNotEqualTo("reject");
            if (o.path("name").asText().startsWith(TELEMETRY_PREFIX)) {
                telemetry.add(o);
            } else {
                parsed.add(fromParseOutput(o));
            }
        }
        assertMatchesCalls(client, parsed, "dbre parse");
        assertThat(telemetry).as("the client's own telemetry lines").isNotEmpty();
        for (JsonNode t : telemetry) {
            assertThat(t.path("type").asText()).as("%s", t).isEqualTo("c");
            List<String> tags = new ArrayList<>();
            t.path("tags").forEach(n -> tags.add(n.asText()));
            assertThat(tags).as("%s", t).contains("client:" + client.telemetryName(), "client_transport:udp");
            assertThat(tags).as("%s", t).anyMatch(tag -> tag.startsWith("client_version:"));
        }

        Cli ingest = Cli.run("ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isZero();
        List<String> stored = storedRows(db);
        assertMatchesCalls(client, stored, "stored rows");
        long telemetryRows =
                db.queryLong("select count(*) from metric_points where name like '" + TELEMETRY_PREFIX + "%'");
        assertThat(telemetryRows).as("telemetry points stored").isEqualTo(telemetry.size());
    }

    /** {@code actual} (telemetry excluded) holds each call's line: once, or 1..repeat times if sampled. */
    private static void assertMatchesCalls(Client client, List<String> actual, String where) {
        Map<String, Integer> left = new LinkedHashMap<>();
        for (String a : actual) {
            left.merge(a, 1, Integer::sum);
        }
        for (Call call : CALLS) {
            String expected = expected(client, call);
            int n = left.getOrDefault(expected, 0);
            left.remove(expected);
            if (call instanceof MetricCall m && m.rate() < 1) {
                assertThat(n)
                        .as("%s: %s (sampled, made %d times)", where, expected, m.repeat())
                        .isBetween(1, m.repeat());
            } else {
                assertThat(n).as("%s: %s\namong: %s", where, expected, actual).isEqualTo(1);
            }
        }
        assertThat(left).as("%s: lines no call asked for", where).isEmpty();
    }

    /** What the application asked for, as one line of every field. */
    static String expected(Client client, Call call) {
        return switch (call) {
            case MetricCall m ->
                metric(
                        PREFIX + m.name(),
                        typeCode(m.method()),
                        m.member() != null ? m.member() : Double.toString(m.value()),
                        m.rate(),
                        withConstantTags(m.tags()),
                        m.ts(),
                        CONTAINER);
            case CheckCall c ->
                check(
                        client.prefixesCheckNames() ? PREFIX + c.name() : c.name(),
                        c.status(),
                        c.hostname(),
                        c.message(),
                        withConstantTags(c.tags()),
                        c.ts(),
                        CONTAINER);
            case EventCall e ->
                event(
                        PREFIX + e.title(),
                        e.text(),
                        e.hostname(),
                        e.aggregationKey(),
                        e.priority(),
                        e.sourceType(),
                        e.alertType(),
                        withConstantTags(e.tags()),
                        e.ts(),
                        CONTAINER);
        };
    }

    private static String fromParseOutput(JsonNode o) {
        Long ts = o.path("ts").isNull() ? null : o.path("ts").asLong();
        List<String> tags = new ArrayList<>();
        o.path("tags").forEach(n -> tags.add(n.asText()));
        return switch (o.path("kind").asText()) {
            case "metric" ->
                metric(
                        o.path("name").asText(),
                        o.path("type").asText(),
                        o.path("value").isTextual()
                                ? o.path("value").asText()
                                : Double.toString(o.path("value").asDouble()),
                        o.path("rate").asDouble(),
                        tags,
                        ts,
                        o.path("container").textValue());
            case "service_check" ->
                check(
                        o.path("name").asText(),
                        o.path("status").asInt(),
                        o.path("host").textValue(),
                        o.path("message").textValue(),
                        tags,
                        ts,
                        o.path("container").textValue());
            case "event" ->
                event(
                        o.path("title").asText(),
                        o.path("text").asText(),
                        o.path("host").textValue(),
                        o.path("aggregation_key").textValue(),
                        o.path("priority").textValue(),
                        o.path("source_type").textValue(),
                        o.path("alert_type").textValue(),
                        tags,
                        ts,
                        o.path("container").textValue());
            default -> throw new AssertionError("unexpected output " + o);
        };
    }

    /** Every stored point, check and event (telemetry excluded); a point's ts is null when it is the arrival time. */
    private static List<String> storedRows(TestDatabase db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.open();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select p.name, p.type, p.value, p.member, p.rate, p.tags,"
                    + " case when p.ts = r.arrived_at then null else extract(epoch from p.ts)::bigint end as ts,"
                    + " p.container from metric_points p join ingest_records r on r.id = p.record_id"
                    + " where p.name not like '" + TELEMETRY_PREFIX + "%' order by p.line, p.idx")) {
                while (rs.next()) {
                    String member = rs.getString("member");
                    rows.add(metric(
                            rs.getString("name"),
                            rs.getString("type"),
                            member != null ? member : Double.toString(rs.getDouble("value")),
                            rs.getDouble("rate"),
                            tags(rs.getArray("tags")),
                            (Long) rs.getObject("ts", Long.class),
                            rs.getString("container")));
                }
            }
            try (ResultSet rs = s.executeQuery("select name, status, host, message, tags,"
                    + " extract(epoch from ts)::bigint as ts, container from service_checks order by line")) {
                while (rs.next()) {
                    rows.add(check(
                            rs.getString("name"),
                            rs.getInt("status"),
                            rs.getString("host"),
                            rs.getString("message"),
                            tags(rs.getArray("tags")),
                            rs.getLong("ts"),
                            rs.getString("container")));
                }
            }
            try (ResultSet rs = s.executeQuery("select title, text, host, aggregation_key, priority, source_type,"
                    + " alert_type, tags, extract(epoch from ts)::bigint as ts, container from ingest_events"
                    + " order by line")) {
                while (rs.next()) {
                    rows.add(event(
                            rs.getString("title"),
                            rs.getString("text"),
                            rs.getString("host"),
                            rs.getString("aggregation_key"),
                            rs.getString("priority"),
                            rs.getString("source_type"),
                            rs.getString("alert_type"),
                            tags(rs.getArray("tags")),
                            rs.getLong("ts"),
                            rs.getString("container")));
                }
            }
        }
        return rows;
    }

    private static List<String> tags(Array a) throws SQLException {
        return Arrays.asList((String[]) a.getArray());
    }

    private static String metric(
            String name, String type, String value, double rate, List<String> tags, Long ts, String container) {
        return "metric name=" + name + " type=" + type + " value=" + value + " rate=" + rate + " tags=" + tags + " ts="
                + ts + " container=" + container;
    }

    private static String check(
            String name, int status, String host, String message, List<String> tags, Long ts, String container) {
        return "check name=" + name + " status=" + status + " host=" + host + " message=" + message + " tags=" + tags
                + " ts=" + ts + " container=" + container;
    }

    private static String event(
            String title,
            String text,
            String host,
            String key,
            String priority,
            String source,
            String alert,
            List<String> tags,
            Long ts,
            String container) {
        return "event title=" + title + " text=" + text + " host=" + host + " key=" + key + " priority=" + priority
                + " source=" + source + " alert=" + alert + " tags=" + tags + " ts=" + ts + " container="
                + container;
    }

    /** Stored and printed tags are sorted by bytes without duplicates: so is the expectation. */
    private static List<String> withConstantTags(List<String> tags) {
        TreeSet<String> all = new TreeSet<>(CONSTANT_TAGS);
        all.addAll(tags);
        return List.copyOf(all);
    }

    private static String typeCode(String method) {
        return switch (method) {
            case "count" -> "c";
            case "gauge" -> "g";
            case "histogram" -> "h";
            case "distribution" -> "d";
            case "timing" -> "ms";
            case "set" -> "s";
            default -> throw new IllegalArgumentException(method);
        };
    }
}
