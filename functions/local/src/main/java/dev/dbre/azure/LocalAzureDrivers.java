package dev.dbre.azure;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.dbre.config.Env;
import dev.dbre.local.SampleEventDriver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * run-local's drivers for the Azure functions: they read {@code events/azure/*.json} (the binding
 * values as the Java worker passes them) and call the real functions.
 *
 * <p>This class sits in the functions' package because their runtime (built from app settings, as
 * in Azure) is reached through package-private factories, the same ones the function tests use.
 */
public final class LocalAzureDrivers {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LocalAzureDrivers() {}

    private static AzureIngestRuntime runtime(SampleEventDriver.Target target) {
        return AzureIngestRuntime.fromEnv(new Env(target.functionEnv()), target.clock());
    }

    /** {@code events/azure/eventhubs-*.json} through {@link EventHubsIngestFunction}. */
    public static final class EventHubs implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("azure") && fileName.startsWith("eventhubs");
        }

        @Override
        @SuppressWarnings("unchecked")
        public String send(Path file, Target target) throws Exception {
            JsonNode doc = JSON.readTree(file.toFile());
            List<byte[]> events = new ArrayList<>();
            for (JsonNode e : doc.path("events")) {
                events.add(Base64.getDecoder().decode(e.asText()));
            }
            SystemProperty[] props = JSON.treeToValue(doc.path("SystemPropertiesArray"), SystemProperty[].class);
            Map<String, Object> partition = JSON.treeToValue(doc.path("PartitionContext"), Map.class);
            try {
                new EventHubsIngestFunction(runtime(target))
                        .run(events, props, partition, context(EventHubsIngestFunction.NAME));
                return events.size() + " events, all stored";
            } catch (IngestNotStoredException e) {
                return "not stored, the host would retry: " + e.getMessage();
            }
        }
    }

    /** {@code events/azure/http-*.json} through {@link HttpIngestFunction}. */
    public static final class Http implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("azure") && fileName.startsWith("http");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            JsonNode doc = JSON.readTree(file.toFile());
            Map<String, String> headers = new LinkedHashMap<>();
            doc.path("headers")
                    .properties()
                    .forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
            byte[] body = doc.has("bodyBase64")
                    ? Base64.getDecoder().decode(doc.get("bodyBase64").asText())
                    : doc.path("body").asText().getBytes(StandardCharsets.UTF_8);
            Request request = new Request(
                    URI.create(doc.path("url").asText()),
                    HttpMethod.value(doc.path("method").asText()),
                    headers,
                    Optional.of(body));
            HttpResponseMessage response =
                    new HttpIngestFunction(runtime(target)).run(request, context(HttpIngestFunction.NAME));
            Object responseBody = response.getBody();
            String text = responseBody instanceof byte[] b
                    ? new String(b, StandardCharsets.UTF_8)
                    : String.valueOf(responseBody);
            return "HTTP " + response.getStatusCode() + " " + text.strip();
        }
    }

    private static ExecutionContext context(String function) {
        return new Context(UUID.randomUUID().toString(), function);
    }

    /** The worker's ExecutionContext: an invocation id and a function name. */
    private record Context(String getInvocationId, String getFunctionName) implements ExecutionContext {
        @Override
        public Logger getLogger() {
            return Logger.getLogger(getFunctionName);
        }
    }

    /** The worker's HttpRequestMessage, with a response builder that keeps what the function set. */
    private record Request(
            URI getUri, HttpMethod getHttpMethod, Map<String, String> getHeaders, Optional<byte[]> getBody)
            implements HttpRequestMessage<Optional<byte[]>> {
        @Override
        public Map<String, String> getQueryParameters() {
            return Map.of();
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
            return new Builder(status);
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
            return new Builder(status);
        }
    }

    private record Response(HttpStatusType getStatus, Map<String, String> headers, Object getBody)
            implements HttpResponseMessage {
        @Override
        public String getHeader(String name) {
            return headers.get(name);
        }
    }

    private static final class Builder implements HttpResponseMessage.Builder {
        private HttpStatusType status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object body;

        Builder(HttpStatusType status) {
            this.status = status;
        }

        @Override
        public HttpResponseMessage.Builder status(HttpStatusType s) {
            this.status = s;
            return this;
        }

        @Override
        public HttpResponseMessage.Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        @Override
        public HttpResponseMessage.Builder body(Object b) {
            this.body = b;
            return this;
        }

        @Override
        public HttpResponseMessage build() {
            return new Response(status, Map.copyOf(headers), body);
        }
    }
}
