package dev.dbre.azure.testing;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.functions.HttpMethod;
import dev.dbre.azure.ingest.SystemProperty;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the sample events in {@code events/azure/} and builds the binding values from them as the
 * Java worker does: trigger metadata JSON is converted to the parameter types with Gson.
 */
public final class AzureEvents {
    private static final Gson GSON = new Gson();

    private AzureEvents() {}

    /** The Event Hubs trigger's three binding values. */
    public record EventHubsInvocation(
            List<byte[]> events, SystemProperty[] systemProperties, Map<String, Object> partitionContext) {}

    public static Path eventsDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("events/azure"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no events/azure above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("events/azure");
    }

    public static JsonObject read(String file) throws IOException {
        return JsonParser.parseString(Files.readString(eventsDir().resolve(file), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    @SuppressWarnings("unchecked")
    public static EventHubsInvocation eventHubs(String file) throws IOException {
        JsonObject doc = read(file);
        List<byte[]> bodies = new ArrayList<>();
        for (JsonElement e : doc.getAsJsonArray("events")) {
            bodies.add(Base64.getDecoder().decode(e.getAsString()));
        }
        JsonArray props = doc.getAsJsonArray("SystemPropertiesArray");
        return new EventHubsInvocation(
                bodies,
                GSON.fromJson(props, SystemProperty[].class),
                GSON.fromJson(doc.getAsJsonObject("PartitionContext"), Map.class));
    }

    public static SimpleHttpRequestMessage http(String file) throws IOException {
        JsonObject doc = read(file);
        Map<String, String> headers = new LinkedHashMap<>();
        doc.getAsJsonObject("headers")
                .entrySet()
                .forEach(h -> headers.put(h.getKey(), h.getValue().getAsString()));
        byte[] body = doc.has("bodyBase64")
                ? Base64.getDecoder().decode(doc.get("bodyBase64").getAsString())
                : doc.get("body").getAsString().getBytes(StandardCharsets.UTF_8);
        return new SimpleHttpRequestMessage(
                URI.create(doc.get("url").getAsString()),
                HttpMethod.value(doc.get("method").getAsString()),
                headers,
                Optional.of(body));
    }
}
