package dev.dbre.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.dbre.config.Env;
import dev.dbre.local.SampleEventDriver;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * run-local's drivers for the Google Cloud functions: they read {@code events/gcp/*.json} and call
 * the real functions as the Functions Framework does.
 *
 * <p>This class sits in the functions' package because their runtime (built from the environment,
 * as on Cloud Run) is reached through package-private factories, the same ones the function tests
 * use.
 */
public final class LocalGcpDrivers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalGcpDrivers() {}

    private static GcpIngestRuntime runtime(SampleEventDriver.Target target) {
        return GcpIngestRuntime.fromEnv(new Env(target.functionEnv()), target.clock());
    }

    /** {@code events/gcp/pubsub-*.json} (a structured-mode CloudEvent) through {@link PubSubIngestFunction}. */
    public static final class PubSub implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("gcp") && fileName.startsWith("pubsub");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            JsonNode ce = JSON.readTree(file.toFile());
            // As the Functions Framework builds it: the context attributes, and the data member's
            // JSON text as the data bytes.
            CloudEvent event = CloudEventBuilder.v1()
                    .withId(ce.path("id").asText())
                    .withSource(URI.create(ce.path("source").asText()))
                    .withType(ce.path("type").asText())
                    .withTime(OffsetDateTime.parse(ce.path("time").asText()))
                    .withDataContentType(ce.path("datacontenttype").asText())
                    .withData(JSON.writeValueAsBytes(ce.get("data")))
                    .build();
            try {
                new PubSubIngestFunction(runtime(target)).accept(event);
                return "message " + event.getId() + " acknowledged";
            } catch (IngestNotStoredException e) {
                return "not acknowledged, Pub/Sub would redeliver: " + e.getMessage();
            }
        }
    }

    /** {@code events/gcp/http-*.json} through {@link HttpIngestFunction}. */
    public static final class Http implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("gcp") && fileName.startsWith("http");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            JsonNode doc = JSON.readTree(file.toFile());
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            doc.path("headers")
                    .properties()
                    .forEach(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
            byte[] body = doc.has("bodyBase64")
                    ? Base64.getDecoder().decode(doc.get("bodyBase64").asText())
                    : doc.path("body").asText().getBytes(StandardCharsets.UTF_8);
            Request request =
                    new Request(doc.path("method").asText(), doc.path("path").asText("/"), headers, body);
            Response response = new Response();
            new HttpIngestFunction(runtime(target)).service(request, response);
            return "HTTP " + response.status + " "
                    + response.body.toString(StandardCharsets.UTF_8).strip();
        }
    }

    /** The framework's request: what the sample file holds. */
    private record Request(String getMethod, String getPath, Map<String, List<String>> getHeaders, byte[] body)
            implements HttpRequest {
        @Override
        public String getUri() {
            return "http://127.0.0.1:8080" + getPath;
        }

        @Override
        public Optional<String> getQuery() {
            return Optional.empty();
        }

        @Override
        public Map<String, List<String>> getQueryParameters() {
            return Map.of();
        }

        @Override
        public Map<String, HttpPart> getParts() {
            return Map.of();
        }

        @Override
        public Optional<String> getContentType() {
            return getFirstHeader("Content-Type");
        }

        @Override
        public long getContentLength() {
            return body.length;
        }

        @Override
        public Optional<String> getCharacterEncoding() {
            return Optional.empty();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(body);
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }

    /** The framework's response, kept in memory. */
    private static final class Response implements HttpResponse {
        int status = 200;
        String contentType;
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void setStatusCode(int code) {
            status = code;
        }

        @Override
        public void setStatusCode(int code, String message) {
            status = code;
        }

        @Override
        public void setContentType(String type) {
            contentType = type;
        }

        @Override
        public Optional<String> getContentType() {
            return Optional.ofNullable(contentType);
        }

        @Override
        public void appendHeader(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            return headers;
        }

        @Override
        public OutputStream getOutputStream() {
            return body;
        }

        @Override
        public BufferedWriter getWriter() {
            return new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8));
        }
    }
}
