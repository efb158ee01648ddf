package dev.dbre.gcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the sample events in {@code events/gcp/}. */
public final class GcpEvents {
    public static final ObjectMapper JSON = new ObjectMapper();

    private GcpEvents() {}

    public static Path eventsDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("events/gcp"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no events/gcp above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("events/gcp");
    }

    public static String text(String file) throws IOException {
        return Files.readString(eventsDir().resolve(file), StandardCharsets.UTF_8);
    }

    public static JsonNode json(String file) throws IOException {
        return JSON.readTree(text(file));
    }

    /**
     * The structured-mode CloudEvent in {@code file}, built as the Functions Framework builds it:
     * the context attributes, and the {@code data} member's JSON text as the data bytes.
     */
    public static CloudEvent cloudEvent(JsonNode ce) throws IOException {
        return CloudEventBuilder.v1()
                .withId(ce.get("id").asText())
                .withSource(URI.create(ce.get("source").asText()))
                .withType(ce.get("type").asText())
                .withTime(OffsetDateTime.parse(ce.get("time").asText()))
                .withDataContentType(ce.get("datacontenttype").asText())
                .withData(JSON.writeValueAsBytes(ce.get("data")))
                .build();
    }

    /** An HTTP sample: method, headers and the body bytes. */
    public record HttpSample(String method, Map<String, String> headers, byte[] body) {}

    public static HttpSample http(String file) throws IOException {
        JsonNode doc = json(file);
        Map<String, String> headers = new LinkedHashMap<>();
        doc.get("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        byte[] body = doc.has("bodyBase64")
                ? Base64.getDecoder().decode(doc.get("bodyBase64").asText())
                : doc.get("body").asText().getBytes(StandardCharsets.UTF_8);
        return new HttpSample(doc.get("method").asText(), headers, body);
    }
}
