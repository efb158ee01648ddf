package dev.dbre.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.RejectReason;
import dev.dbre.ingest.SourceRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The HTTP mapping alone: the core call is replaced by a function that records the batch it gets
 * and answers with a chosen {@link BatchResult}. The store itself is tested with real PostgreSQL
 * in the handler tests of each cloud module.
 */
class HttpIngestTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<IngestBatch> seen = new ArrayList<>();
    private BatchResult answer = stored(3, 1, RecordOutcome.STORED_WITH_REJECTS);

    private final Function<IngestBatch, BatchResult> core = batch -> {
        seen.add(batch);
        return answer;
    };

    private HttpIngest http(HttpIngestLimits limits) {
        return new HttpIngest(core, limits, CLOCK);
    }

    private static HttpIngestRequest post(Map<String, String> headers, byte[] body) {
        return new HttpIngestRequest("POST", headers, body, "req-1", "ingest");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BatchResult stored(long stored, long rejected, RecordOutcome outcome) {
        return new BatchResult(
                41,
                List.of(new RecordResult("", "req-1", 0, outcome, (int) stored, (int) rejected, null)),
                stored,
                rejected,
                outcome == RecordOutcome.DUPLICATE ? 1 : 0,
                0,
                0,
                rejected > 0 ? 2 : 0,
                rejected > 0 ? RejectReason.BAD_VALUE : null);
    }

    @Test
    void textBody_becomesOneDogStatsdRecordKeyedByRequestId_andAnswers202WithCounts() throws Exception {
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS)
                .handle(post(Map.of("content-type", "text/plain; charset=utf-8"), utf8("a:1|c\nb:x|g\n")));

        assertThat(r.status()).isEqualTo(202);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("batchId").asLong()).isEqualTo(41);
        assertThat(body.get("stored").asLong()).isEqualTo(3);
        assertThat(body.get("rejected").asLong()).isEqualTo(1);
        assertThat(body.get("duplicate").asBoolean()).isFalse();
        assertThat(r.headers()).containsEntry("Content-Type", "application/json");

        IngestBatch batch = seen.get(0);
        assertThat(batch.source()).isEqualTo("http:ingest");
        SourceRecord rec = batch.records().get(0);
        assertThat(rec.shard()).isEmpty();
        assertThat(rec.sequence()).isEqualTo("req-1");
        assertThat(rec.format()).isEqualTo(PayloadFormat.DOGSTATSD);
        assertThat(rec.arrival()).isEqualTo(CLOCK.instant());
        assertThat(new String(rec.payload(), StandardCharsets.UTF_8)).isEqualTo("a:1|c\nb:x|g\n");
    }

    @Test
    void idempotencyKeyHeader_isTheSequence_whateverItsCase() {
        http(HttpIngestLimits.DEFAULTS).handle(post(Map.of("IDEMPOTENCY-KEY", " key-7 "), utf8("a:1|c")));
        assertThat(seen.get(0).records().get(0).sequence()).isEqualTo("key-7");
    }

    @Test
    void contentTypes_mapToFormats() {
        assertThat(HttpIngest.formatOf("application/json")).isEqualTo(PayloadFormat.JSON);
        assertThat(HttpIngest.formatOf("Application/JSON; charset=utf-8")).isEqualTo(PayloadFormat.JSON);
        assertThat(HttpIngest.formatOf("application/vnd.dbre+json")).isEqualTo(PayloadFormat.JSON);
        assertThat(HttpIngest.formatOf("text/plain")).isEqualTo(PayloadFormat.DOGSTATSD);
        assertThat(HttpIngest.formatOf(null)).isEqualTo(PayloadFormat.AUTO);
        assertThat(HttpIngest.formatOf("application/octet-stream")).isEqualTo(PayloadFormat.AUTO);
        assertThat(HttpIngest.formatOf("application/x-www-form-urlencoded")).isEqualTo(PayloadFormat.AUTO);
    }

    @Test
    void unknownContentType_isSniffed_notRefused() {
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS)
                .handle(post(Map.of("Content-Type", "application/x-www-form-urlencoded"), utf8("a:1|c")));
        assertThat(r.status()).isEqualTo(202);
        assertThat(seen.get(0).records().get(0).format()).isEqualTo(PayloadFormat.AUTO);
    }

    @Test
    void gzipBody_isDecodedBeforeIngest() throws Exception {
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS)
                .handle(post(
                        Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
                        gzip(utf8("{\"name\":\"a\",\"value\":1,\"type\":\"g\"}"))));
        assertThat(r.status()).isEqualTo(202);
        SourceRecord rec = seen.get(0).records().get(0);
        assertThat(rec.format()).isEqualTo(PayloadFormat.JSON);
        assertThat(new String(rec.payload(), StandardCharsets.UTF_8)).startsWith("{\"name\":\"a\"");
    }

    @Test
    void corruptGzip_is400_naming_gzip() throws Exception {
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS)
                .handle(post(Map.of("Content-Encoding", "gzip"), utf8("not gzip at all")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("bad gzip body");
        assertThat(seen).isEmpty();
    }

    @Test
    void gzipBomb_isStoppedAtTheDecodedLimit_with413() throws Exception {
        byte[] bomb = gzip(new byte[5_000_000]); // ~5 KB that inflates to 5 MB
        HttpIngestResponse r =
                http(new HttpIngestLimits(1 << 20, 1 << 20)).handle(post(Map.of("Content-Encoding", "gzip"), bomb));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("1048576");
        assertThat(seen).isEmpty();
    }

    @Test
    void bodyOverTheLimit_is413() {
        HttpIngestResponse r = http(new HttpIngestLimits(10, 100)).handle(post(Map.of(), utf8("a:1|c\nb:2|c\n")));
        assertThat(r.status()).isEqualTo(413);
        assertThat(seen).isEmpty();
    }

    @Test
    void bodyAtTheLimit_isAccepted() {
        HttpIngestResponse r = http(new HttpIngestLimits(5, 100)).handle(post(Map.of(), utf8("a:1|c")));
        assertThat(r.status()).isEqualTo(202);
    }

    @Test
    void unsupportedEncoding_is415() {
        HttpIngestResponse r =
                http(HttpIngestLimits.DEFAULTS).handle(post(Map.of("Content-Encoding", "br"), utf8("x")));
        assertThat(r.status()).isEqualTo(415);
    }

    @Test
    void notPost_is405_withAllow() {
        HttpIngestResponse r =
                http(HttpIngestLimits.DEFAULTS).handle(new HttpIngestRequest("GET", Map.of(), null, "req-1", "ingest"));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers()).containsEntry("Allow", "POST");
        assertThat(seen).isEmpty();
    }

    @Test
    void emptyBody_is400() {
        assertThat(http(HttpIngestLimits.DEFAULTS)
                        .handle(post(Map.of(), new byte[0]))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void badIdempotencyKey_is400_namingTheHeader() {
        HttpIngestResponse r =
                http(HttpIngestLimits.DEFAULTS).handle(post(Map.of("Idempotency-Key", "x".repeat(300)), utf8("a:1|c")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Idempotency-Key");
    }

    @Test
    void nothingParsed_is400_namingFirstLineAndReason() throws Exception {
        answer = new BatchResult(
                42,
                List.of(new RecordResult("", "req-1", 0, RecordOutcome.STORED_WITH_REJECTS, 0, 2, null)),
                0,
                2,
                0,
                0,
                0,
                1,
                RejectReason.UNKNOWN_TYPE);
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS).handle(post(Map.of(), utf8("a:1|zz\nb:1|yy")));
        assertThat(r.status()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("no line could be parsed");
        assertThat(body.get("line").asInt()).isEqualTo(1);
        assertThat(body.get("reason").asText()).isEqualTo("UNKNOWN_TYPE");
    }

    @Test
    void duplicateRequest_is202_flaggedDuplicate() throws Exception {
        answer = stored(0, 0, RecordOutcome.DUPLICATE);
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS).handle(post(Map.of(), utf8("a:1|c")));
        assertThat(r.status()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void failedRecord_is503_withRetryAfter() {
        answer = new BatchResult(
                -1,
                List.of(new RecordResult("", "req-1", 0, RecordOutcome.FAILED, 0, 0, "connection refused")),
                0,
                0,
                0,
                0,
                0,
                0,
                null);
        HttpIngestResponse r = http(HttpIngestLimits.DEFAULTS).handle(post(Map.of(), utf8("a:1|c")));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("Retry-After", String.valueOf(HttpIngest.RETRY_AFTER_SECONDS));
        assertThat(r.body()).doesNotContain("connection refused");
    }

    @Test
    void limitsFromEnv_defaultAndNamedErrors() {
        assertThat(HttpIngestLimits.fromEnv(new Env(Map.of()))).isEqualTo(HttpIngestLimits.DEFAULTS);
        assertThat(HttpIngestLimits.fromEnv(new Env(Map.of("DBRE_HTTP_MAX_BODY_BYTES", "2048")))
                        .maxBodyBytes())
                .isEqualTo(2048);
        assertConfigError(
                () -> HttpIngestLimits.fromEnv(new Env(Map.of("DBRE_HTTP_MAX_DECODED_BYTES", "lots"))),
                "DBRE_HTTP_MAX_DECODED_BYTES");
        assertConfigError(
                () -> HttpIngestLimits.fromEnv(new Env(Map.of("DBRE_HTTP_MAX_BODY_BYTES", "0"))),
                "DBRE_HTTP_MAX_BODY_BYTES");
    }

    private static void assertConfigError(Executable e, String variable) {
        ConfigException ex = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, e);
        assertThat(ex.variable()).isEqualTo(variable);
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
