package dev.dbre.ingest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest endpoint, the same on every cloud: the platform's HTTP trigger builds an {@link
 * HttpIngestRequest}, calls {@link #handle} and copies the response back.
 *
 * <p>One request is one source record: source {@code "http:" + route}, shard {@code ""}, sequence
 * = the {@code Idempotency-Key} header, else the platform's request id. A client that retries
 * with the same {@code Idempotency-Key} never stores a point twice. The key is bound to the body
 * it first came with (the SHA-256 of the decoded body is stored with it): the same key with another
 * body is refused with 409, never answered as a duplicate while the new body is dropped.
 *
 * <table>
 * <caption>Responses (always application/json)</caption>
 * <tr><td>202</td><td>stored (possibly with rejected lines), or a duplicate of a stored request:
 * {@code {"batchId":..,"stored":..,"rejected":..,"duplicate":bool}}</td></tr>
 * <tr><td>400</td><td>no line could be parsed: {@code {"error":"no line could be parsed","line":N,"reason":"CODE"}}
 * (the lines are kept in ingest_rejects); also a corrupt gzip body, an empty body or a bad
 * Idempotency-Key</td></tr>
 * <tr><td>405</td><td>not POST (with {@code Allow: POST})</td></tr>
 * <tr><td>409</td><td>the {@code Idempotency-Key} was used before with another body: {@code
 * {"error":..,"detail":..,"key":..}}; nothing is stored (send a new payload under a new key)</td></tr>
 * <tr><td>413</td><td>body over {@code DBRE_HTTP_MAX_BODY_BYTES}, or decoded over {@code DBRE_HTTP_MAX_DECODED_BYTES}</td></tr>
 * <tr><td>415</td><td>a Content-Encoding other than gzip or identity</td></tr>
 * <tr><td>500</td><td>a fault that is not the request's and not transient (a bug, the schema, a
 * grant): logged at error level; a retry meets it again until it is fixed</td></tr>
 * <tr><td>503</td><td>a transient storage fault (with {@code Retry-After}): send the same request
 * again</td></tr>
 * </table>
 */
public final class HttpIngest {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Seconds a client should wait before retrying after a 503. */
    public static final int RETRY_AFTER_SECONDS = 5;
    /** Longest accepted Idempotency-Key (it becomes ingest_records.sequence). */
    public static final int MAX_KEY_LENGTH = 255;

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> JSON_TYPE = Map.of("Content-Type", "application/json");

    private final Function<IngestBatch, BatchResult> ingest;
    private final HttpIngestLimits limits;
    private final Clock clock;

    /**
     * @param ingest the core ingest call, e.g. {@code ingestService::ingest}; must not throw for bad
     *     input (it reports records FAILED instead)
     * @param clock gives the arrival time of the request
     */
    public HttpIngest(Function<IngestBatch, BatchResult> ingest, HttpIngestLimits limits, Clock clock) {
        this.ingest = Objects.requireNonNull(ingest, "ingest");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Handles one request; never throws for bad input or storage faults (they map to statuses). */
    public HttpIngestResponse handle(HttpIngestRequest request) {
        if (!request.method().equalsIgnoreCase("POST")) {
            return error(405, Map.of("Allow", "POST"), "method not allowed", "use POST");
        }
        PayloadFormat format = formatOf(request.header("Content-Type"));
        String key = request.header(IDEMPOTENCY_KEY);
        String keyProblem = key == null ? null : keyProblem(key);
        if (keyProblem != null) {
            return error(400, Map.of(), "bad " + IDEMPOTENCY_KEY + " header", keyProblem);
        }
        byte[] body = request.body();
        if (body.length > limits.maxBodyBytes()) {
            return error(413, Map.of(), "body too large", "the body is limited to " + limits.maxBodyBytes() + " bytes");
        }
        String encoding = request.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank()) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (e.equals("gzip") || e.equals("x-gzip")) {
                try {
                    body = gunzip(body, limits.maxDecodedBytes());
                } catch (TooLarge t) {
                    return error(
                            413,
                            Map.of(),
                            "decoded body too large",
                            "the gzip-decoded body is limited to " + limits.maxDecodedBytes() + " bytes");
                } catch (IOException io) {
                    return error(400, Map.of(), "bad gzip body", String.valueOf(io.getMessage()));
                }
            } else if (!e.equals("identity")) {
                return error(415, Map.of(), "unsupported Content-Encoding", "send gzip or identity, was '" + e + "'");
            }
        }
        if (body.length == 0) {
            return error(400, Map.of(), "empty body", "send at least one line");
        }

        String sequence = key != null ? key.trim() : request.requestId();
        // The client's key is bound to the decoded body (gzip or not, the same lines are the same
        // request); the platform's request id is never reused, so it needs no digest.
        byte[] digest = key != null ? sha256(body) : null;
        SourceRecord record = new SourceRecord("", sequence, 0, clock.instant(), body, format, null, digest);
        BatchResult result = ingest.apply(new IngestBatch("http:" + request.route(), List.of(record)));
        return respond(result);
    }

    private static HttpIngestResponse respond(BatchResult result) {
        RecordResult only = result.records().isEmpty() ? null : result.records().get(0);
        if (only != null && only.outcome() == RecordOutcome.CONFLICT) {
            ObjectNode o = JSON.createObjectNode();
            o.put("error", IDEMPOTENCY_KEY + " reused with another body");
            o.put(
                    "detail",
                    "the key '" + only.sequence() + "' was used before with a different body; nothing was"
                            + " stored: send a new payload under a new key");
            o.put("key", only.sequence());
            return new HttpIngestResponse(409, JSON_TYPE, o.toString(), result);
        }
        if (only != null && only.outcome() == RecordOutcome.BUG) {
            // Logged at error level by the core; a retry meets the same fault until it is fixed.
            return error(
                    500,
                    Map.of(),
                    "could not store the request",
                    "an internal error, logged by the function; retrying will not help until it is fixed",
                    result);
        }
        if (only == null || only.outcome() == RecordOutcome.FAILED) {
            // The cause is logged, not returned: the client can do nothing with it but retry.
            LOG.warn("http ingest could not store the request: {}", only == null ? "no result" : only.failure());
            return error(
                    503,
                    Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)),
                    "could not store the request",
                    "a transient database fault; send the same request again",
                    result);
        }
        if (result.nothingParsed()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("error", "no line could be parsed");
            o.put("line", result.firstRejectLine());
            o.put(
                    "reason",
                    result.firstRejectReason() == null
                            ? null
                            : result.firstRejectReason().name());
            o.put("rejected", result.rejected());
            return new HttpIngestResponse(400, JSON_TYPE, o.toString(), result);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("batchId", result.batchId());
        o.put("stored", result.stored());
        o.put("rejected", result.rejected());
        o.put("duplicate", only.outcome() == RecordOutcome.DUPLICATE);
        return new HttpIngestResponse(202, JSON_TYPE, o.toString(), result);
    }

    /**
     * The payload format for a Content-Type: application/json or any +json type is JSON, text/* is
     * DogStatsD, anything else (or none) is sniffed from the first byte: a client that labels its
     * body oddly still gets its lines stored or rejected one by one, never the whole body refused.
     */
    static PayloadFormat formatOf(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return PayloadFormat.AUTO;
        }
        int semi = contentType.indexOf(';');
        String mime =
                (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        if (mime.equals("application/json") || mime.endsWith("+json")) {
            return PayloadFormat.JSON;
        }
        if (mime.startsWith("text/")) {
            return PayloadFormat.DOGSTATSD;
        }
        return PayloadFormat.AUTO;
    }

    private static String keyProblem(String key) {
        String k = key.trim();
        if (k.isEmpty()) {
            return "is empty";
        }
        if (k.length() > MAX_KEY_LENGTH) {
            return "is longer than " + MAX_KEY_LENGTH + " characters";
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "has a character outside printable ASCII at position " + (i + 1);
            }
        }
        return null;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    /**
     * Decodes gzip, stopping as soon as the output passes {@code max} bytes (so a small body that
     * inflates to gigabytes costs at most {@code max} of memory). By hand because GZIPInputStream
     * has no output bound of its own.
     */
    private static byte[] gunzip(byte[] gz, int max) throws IOException, TooLarge {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, Math.max(64, gz.length * 4)));
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > max) {
                    throw new TooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static HttpIngestResponse error(int status, Map<String, String> headers, String error, String detail) {
        return error(status, headers, error, detail, null);
    }

    private static HttpIngestResponse error(
            int status, Map<String, String> headers, String error, String detail, BatchResult result) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", error);
        o.put("detail", detail);
        java.util.HashMap<String, String> h = new java.util.HashMap<>(headers);
        h.putAll(JSON_TYPE);
        return new HttpIngestResponse(status, h, o.toString(), result);
    }
}
