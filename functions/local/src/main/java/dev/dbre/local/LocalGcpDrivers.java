package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.config.Env;
import dev.dbre.gcp.ingest.HttpIngestFunction;
import dev.dbre.gcp.ingest.PubSubIngestFunction;
import dev.dbre.gcp.maintenance.MaintenanceConfig;
import dev.dbre.gcp.maintenance.MaintenanceFunction;
import dev.dbre.gcp.testing.BufferedHttpResponse;
import dev.dbre.gcp.testing.SimpleHttpRequest;
import dev.dbre.ingest.IngestNotStoredException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * run-local's drivers for the Google Cloud functions: they read {@code events/gcp/*.json} as {@code
 * invoke} does ({@link InvokeGcp#request}) and call the real functions as the Functions Framework
 * does, each built from the target's environment. Not through the invoker itself: it builds a
 * function with its no-argument constructor, whose components are made once per JVM from the
 * process's settings, while run-local's functions are built on run-local's own database.
 */
public final class LocalGcpDrivers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalGcpDrivers() {}

    /** {@code events/gcp/pubsub-*.json} (a structured-mode CloudEvent) through {@link PubSubIngestFunction}. */
    public static final class PubSub implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("gcp") && fileName.startsWith("pubsub");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            CloudEvent event = cloudEvent(file);
            try {
                PubSubIngestFunction.fromEnv(target.functionEnv(), target.clock())
                        .accept(event);
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
            return cloud.equals("gcp") && SampleEventDriver.isIngestHttpSample(fileName, "http");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            InvokeGcp.Request sample = InvokeGcp.request(JSON.readTree(file.toFile()));
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            sample.headers().forEach((k, v) -> headers.put(k, List.of(v)));
            SimpleHttpRequest request = new SimpleHttpRequest(sample.method(), sample.path(), headers, sample.body());
            BufferedHttpResponse response = new BufferedHttpResponse();
            HttpIngestFunction.fromEnv(target.functionEnv(), target.clock()).service(request, response);
            return "HTTP " + response.status() + " " + response.body().strip();
        }
    }

    /** {@code events/gcp/scheduler-maintenance*.json} (a Pub/Sub CloudEvent) through {@link MaintenanceFunction}. */
    public static final class Maintenance implements SampleEventDriver {
        @Override
        public boolean replaysAtDelivery() {
            return false;
        }

        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("gcp") && fileName.startsWith("scheduler-maintenance");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            MaintenanceFunction function = new MaintenanceFunction(MaintenanceFunction.job(
                    MaintenanceConfig.fromEnv(new Env(target.functionEnv())), target.clock(), target.metrics()));
            return SampleEventDriver.maintenanceSummary(function.run(cloudEvent(file)));
        }
    }

    /**
     * A structured-mode CloudEvent file as the Functions Framework builds it: the context
     * attributes, and the data member's JSON text as the data bytes.
     */
    private static CloudEvent cloudEvent(Path file) throws java.io.IOException {
        JsonNode ce = JSON.readTree(file.toFile());
        return CloudEventBuilder.v1()
                .withId(ce.path("id").asText())
                .withSource(URI.create(ce.path("source").asText()))
                .withType(ce.path("type").asText())
                .withTime(OffsetDateTime.parse(ce.path("time").asText()))
                .withDataContentType(ce.path("datacontenttype").asText())
                .withData(JSON.writeValueAsBytes(ce.get("data")))
                .build();
    }
}
