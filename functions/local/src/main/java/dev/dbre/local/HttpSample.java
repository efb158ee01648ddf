package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts every HTTP sample event of {@code events/azure} and {@code events/gcp} shares: {@code
 * headers} (one value each) and the body, {@code bodyBase64} (bytes) or {@code body} (UTF-8 text).
 */
final class HttpSample {
    private HttpSample() {}

    static Map<String, String> headers(JsonNode doc) {
        Map<String, String> headers = new LinkedHashMap<>();
        doc.path("headers")
                .properties()
                .forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        return headers;
    }

    static byte[] body(JsonNode doc) {
        return doc.has("bodyBase64")
                ? Base64.getDecoder().decode(doc.get("bodyBase64").asText())
                : doc.path("body").asText("").getBytes(StandardCharsets.UTF_8);
    }
}
