package dev.dbre.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.dbre.azure.ingest.EventHubsIngestFunction;
import dev.dbre.azure.ingest.HttpIngestFunction;
import dev.dbre.azure.maintenance.MaintenanceFunction;
import dev.dbre.azure.testing.SimpleHttpRequestMessage;
import dev.dbre.ingest.IngestNotStoredException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * run-local's drivers for the Azure functions: each sends {@code events/azure/*.json} (the binding
 * values as the Java worker passes them) the one way {@code invoke} does ({@link InvokeAzure}), the
 * function built from the target's app settings as in Azure, and says in a few words what it answered.
 */
public final class LocalAzureDrivers {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LocalAzureDrivers() {}

    /** {@code events/azure/eventhubs-*.json} through {@link EventHubsIngestFunction}. */
    public static final class EventHubs implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("azure") && fileName.startsWith("eventhubs");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            try {
                int events = InvokeAzure.eventHubs(JSON.readTree(file.toFile()), target.functionEnv(), target.clock());
                return events + " events, all stored";
            } catch (IngestNotStoredException e) {
                return "not stored, the host would retry: " + e.getMessage();
            }
        }
    }

    /** {@code events/azure/http-*.json} through {@link HttpIngestFunction}. */
    public static final class Http implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("azure") && SampleEventDriver.isIngestHttpSample(fileName, "http");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            HttpResponseMessage response =
                    InvokeAzure.http(JSON.readTree(file.toFile()), target.functionEnv(), target.clock());
            Object responseBody = response.getBody();
            String text = responseBody instanceof byte[] b
                    ? new String(b, StandardCharsets.UTF_8)
                    : String.valueOf(responseBody);
            return "HTTP " + response.getStatusCode() + " " + text.strip();
        }
    }

    /** {@code events/azure/timer-maintenance*.json} (a TimerInfo) through {@link MaintenanceFunction}. */
    public static final class Maintenance implements SampleEventDriver {
        @Override
        public boolean replaysAtDelivery() {
            return false;
        }

        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("azure") && fileName.startsWith("timer-maintenance");
        }

        @Override
        public String send(Path file, Target target) throws Exception {
            return SampleEventDriver.maintenanceSummary(
                    InvokeAzure.maintenance(file, target.functionEnv(), target.metrics(), target.clock()));
        }
    }

    /** The HTTP request an Azure sample event file describes ({@code url, method, headers, body|bodyBase64}). */
    static SimpleHttpRequestMessage httpRequest(JsonNode doc) {
        return new SimpleHttpRequestMessage(
                URI.create(doc.path("url").asText()),
                HttpMethod.value(doc.path("method").asText()),
                HttpSample.headers(doc),
                Optional.of(HttpSample.body(doc)));
    }
}
