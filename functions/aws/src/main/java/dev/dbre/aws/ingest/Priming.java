package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * SnapStart priming: runs the invocation's CPU path on sample data, with no database, so that the
 * snapshot holds those classes loaded and compiled (AWS's "invoke priming", without touching
 * anything remote). Samples cover every DogStatsD line kind, JSON, gzip+base64 decoding and the
 * response codec.
 */
final class Priming {
    /** What priming ran through, so tests can check it really did. */
    record Report(int dogStatsdLines, int jsonLines, int httpDecodedBytes, String responseJson) {}

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

    /** Runs the samples through the parser, the HTTP decoder and the JSON codec. Never touches a database. */
    static Report prime() {
        PayloadParser parser = new PayloadParser(ParseLimits.DEFAULTS);
        int[] counts = new int[2];
        byte[] text = DOGSTATSD_SAMPLE.getBytes(StandardCharsets.UTF_8);
        parser.parse(text, 0, text.length, PayloadFormat.DOGSTATSD, line -> counts[0] += kindCount(line));
        byte[] json = JSON_SAMPLE.getBytes(StandardCharsets.UTF_8);
        parser.parse(json, 0, json.length, PayloadFormat.JSON, line -> counts[1] += kindCount(line));

        int decoded;
        try {
            APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
            event.setHeaders(Map.of("content-encoding", "gzip", "content-type", "text/plain"));
            event.setBody(Base64.getEncoder().encodeToString(gzip(text)));
            event.setIsBase64Encoded(true);
            decoded = new HttpRequestDecoder(HttpLimits.DEFAULTS).decode(event).payload().length;
        } catch (HttpRequestDecoder.Refused e) {
            throw new IllegalStateException("priming sample refused: " + e.getMessage(), e);
        }

        String response;
        try {
            response = HttpResponses.JSON.writeValueAsString(new HttpResponses.Accepted(1, counts[0], 1, false));
            HttpResponses.JSON.readValue(response, HttpResponses.Accepted.class);
            HttpResponses.JSON.writeValueAsString(new HttpResponses.Problem("no line could be parsed", 1, "BAD_VALUE"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Report(counts[0], counts[1], decoded, response);
    }

    /** 1 for a line the parser accepted, 0 for a reject (priming runs both paths). */
    private static int kindCount(ParsedLine line) {
        return line.kind == ParsedLine.Kind.REJECT ? 0 : 1;
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
