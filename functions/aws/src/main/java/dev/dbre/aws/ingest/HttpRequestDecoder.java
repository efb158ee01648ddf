package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.dbre.ingest.PayloadFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * An API Gateway HTTP API (payload 2.0) request body to the bytes and format the core parses:
 * base64 (when {@code isBase64Encoded}), then gzip (when {@code Content-Encoding: gzip}), each
 * within {@link HttpLimits}. Header names are matched case-insensitively.
 */
final class HttpRequestDecoder {
    /** A request the endpoint refuses, with its HTTP status and a message naming what was wrong. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** A decoded body. */
    record Decoded(byte[] payload, PayloadFormat format) {}

    private final HttpLimits limits;

    HttpRequestDecoder(HttpLimits limits) {
        this.limits = limits;
    }

    /**
     * @throws Refused 413 over a size limit; 400 for bad base64 or gzip; 415 for a content encoding
     *     other than gzip or identity
     */
    Decoded decode(APIGatewayV2HTTPEvent event) throws Refused {
        String body = event.getBody() == null ? "" : event.getBody();
        byte[] raw = event.getIsBase64Encoded() ? base64(body) : utf8Bounded(body);
        String encoding = header(event.getHeaders(), "content-encoding");
        byte[] payload = raw;
        if (encoding != null && !encoding.isBlank()) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (e.equals("gzip") || e.equals("x-gzip")) {
                payload = gunzip(raw);
            } else if (!e.equals("identity")) {
                throw new Refused(415, "Content-Encoding '" + encoding + "' is not supported: send gzip or none");
            }
        }
        return new Decoded(payload, format(header(event.getHeaders(), "content-type")));
    }

    /** The value of header {@code name}, matched case-insensitively, or null. */
    static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String exact = headers.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** application/json (or any +json type) is JSON, text/* is DogStatsD, anything else is sniffed. */
    static PayloadFormat format(String contentType) {
        if (contentType == null) {
            return PayloadFormat.AUTO;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        int semicolon = t.indexOf(';');
        if (semicolon >= 0) {
            t = t.substring(0, semicolon);
        }
        t = t.trim();
        if (t.equals("application/json") || t.endsWith("+json")) {
            return PayloadFormat.JSON;
        }
        if (t.startsWith("text/")) {
            return PayloadFormat.DOGSTATSD;
        }
        return PayloadFormat.AUTO;
    }

    private byte[] base64(String body) throws Refused {
        // 4 base64 characters carry 3 bytes: refuse before decoding anything too large.
        long decodedSize = (long) body.length() / 4 * 3;
        if (decodedSize > limits.maxBodyBytes() + 2L) {
            throw tooLarge(limits.maxBodyBytes(), "body");
        }
        byte[] out;
        try {
            out = Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "body is marked isBase64Encoded but is not valid base64: " + e.getMessage());
        }
        if (out.length > limits.maxBodyBytes()) {
            throw tooLarge(limits.maxBodyBytes(), "body");
        }
        return out;
    }

    private byte[] utf8Bounded(String body) throws Refused {
        // A UTF-16 char is at least one UTF-8 byte: a cheap first check before encoding.
        if (body.length() > limits.maxBodyBytes()) {
            throw tooLarge(limits.maxBodyBytes(), "body");
        }
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        if (out.length > limits.maxBodyBytes()) {
            throw tooLarge(limits.maxBodyBytes(), "body");
        }
        return out;
    }

    private byte[] gunzip(byte[] compressed) throws Refused {
        int max = limits.maxDecompressedBytes();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, compressed.length * 4 + 64));
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + (long) n > max) {
                    // Stop reading at the limit: the rest of a bomb is never inflated.
                    throw tooLarge(max, "decompressed body");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new Refused(400, "body is marked Content-Encoding: gzip but is not valid gzip: " + e.getMessage());
        }
    }

    private static Refused tooLarge(int limit, String what) {
        return new Refused(413, what + " is larger than the limit of " + limit + " bytes");
    }
}
