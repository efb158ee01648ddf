package dev.dbre.ingest.http;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One HTTP ingest request, as any platform delivers it.
 *
 * @param method the HTTP method
 * @param headers header names are matched case-insensitively; one value per name (the first)
 * @param body the body bytes as received (already base64-decoded where the platform encodes it)
 * @param requestId the platform's invocation id: the exactly-once key when no {@code
 *     Idempotency-Key} header is sent
 * @param route names the endpoint in the batch source: {@code "http:" + route}
 */
public record HttpIngestRequest(
        String method, Map<String, String> headers, byte[] body, String requestId, String route) {
    public HttpIngestRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(route, "route");
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.putIfAbsent(k, v);
                }
            });
        }
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body;
    }

    /** The header's value, or null; the name is matched case-insensitively. */
    public String header(String name) {
        return headers.get(name);
    }
}
