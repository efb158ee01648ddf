package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.http.HttpIngest;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.http.HttpIngestResponse;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * SnapStart priming: runs the invocation's CPU path on sample data, with no database, so that the
 * snapshot holds those classes loaded and compiled (AWS's "invoke priming", without touching
 * anything remote). Samples cover every DogStatsD line kind and a bad line, JSON, the API Gateway
 * base64 + gzip decoding and the JSON response codec.
 */
final class Priming {
    /**
     * What priming ran through, so tests can check it really did.
     *
     * @param dogStatsdLines lines of the DogStatsD sample the parser accepted
     * @param jsonLines points of the JSON sample the parser accepted
     * @param httpStatus status of the sample HTTP request (parsed, never stored)
     * @param httpStored what that response's JSON body says was stored, read back with Jackson
     */
    record Report(int dogStatsdLines, int jsonLines, int httpStatus, long httpStored) {}

    static final String DOGSTATSD_SAMPLE = """
            page.views:1|c|#env:prod,service:web
            request.latency:12.5:13.1:9.8|ms|@0.5|#route:/api
            queue.depth:42|g|T1700000000|c:abc123
            users.unique:alice|s
            _sc|db.up|0|d:1700000000|h:db1|#env:prod|m:ok
            _e{5,4}:title|text|#env:prod
            bad line without type
            """;

    static final String JSON_SAMPLE = """
            [{"name":"cpu.load","value":0.7,"type":"g","tags":{"host":"a"},"ts":1700000000},
             {"name":"req","value":3,"type":"c","tags":["env:prod"],"ts":"2023-11-14T22:13:20Z"}]
            """;

    private Priming() {}

    /** Runs the samples through the parsers, the HTTP path and the JSON codec. Never touches a database. */
    static Report prime() {
        PayloadParser parser = new PayloadParser(ParseLimits.DEFAULTS);
        int dogStatsd = accepted(parser, DOGSTATSD_SAMPLE.getBytes(StandardCharsets.UTF_8), PayloadFormat.DOGSTATSD);
        int json = accepted(parser, JSON_SAMPLE.getBytes(StandardCharsets.UTF_8), PayloadFormat.JSON);

        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("POST /ingest");
        event.setHeaders(Map.of("content-encoding", "gzip", "content-type", "text/plain"));
        event.setBody(Base64.getEncoder().encodeToString(gzip(DOGSTATSD_SAMPLE.getBytes(StandardCharsets.UTF_8))));
        event.setIsBase64Encoded(true);
        // The HTTP endpoint over a parse-only stand-in for the store: no connection is opened.
        HttpIngest http =
                new HttpIngest(batch -> parseOnly(parser, batch), HttpIngestLimits.DEFAULTS, Clock.systemUTC());
        HttpIngestResponse response;
        try {
            response = http.handle(ApiGatewayRequests.toRequest(event, HttpIngestLimits.DEFAULTS, "priming"));
        } catch (ApiGatewayRequests.Refused e) {
            throw new IllegalStateException("priming sample refused: " + e.getMessage(), e);
        }
        ApiGatewayRequests.toResponse(response);
        long stored;
        try {
            stored = Json.MAPPER.readTree(response.body()).path("stored").asLong(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Report(dogStatsd, json, response.status(), stored);
    }

    private static int accepted(PayloadParser parser, byte[] payload, PayloadFormat format) {
        int[] n = new int[1];
        parser.parse(payload, 0, payload.length, format, line -> n[0] += line.kind == ParsedLine.Kind.REJECT ? 0 : 1);
        return n[0];
    }

    /** Parses each record and reports it stored, as the store would, without a database. */
    private static BatchResult parseOnly(PayloadParser parser, IngestBatch batch) {
        SourceRecord r = batch.records().get(0);
        int[] counts = new int[2];
        parser.parse(
                r.payload(),
                0,
                r.payload().length,
                r.format(),
                line -> counts[line.kind == ParsedLine.Kind.REJECT ? 1 : 0]++);
        RecordResult result = new RecordResult(
                r.shard(), r.sequence(), 0, RecordOutcome.STORED_WITH_REJECTS, counts[0], counts[1], null);
        return new BatchResult(0, List.of(result), counts[0], counts[1], 0, 0, 0, 0, null);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
