package dev.dbre.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.azure.ingest.EventHubsIngestFunction;
import dev.dbre.azure.ingest.HttpIngestFunction;
import dev.dbre.azure.ingest.SystemProperty;
import dev.dbre.azure.maintenance.MaintenanceConfig;
import dev.dbre.azure.maintenance.MaintenanceFunction;
import dev.dbre.azure.slo.AzureSloRuntime;
import dev.dbre.azure.slo.SloReportFunction;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.azure.testing.SimpleHttpRequestMessage;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestNotStoredException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code invoke}'s runners for the Azure functions: the binding values of {@code events/azure/*.json}
 * passed as the Java worker passes them, the function built from its app settings, and what the
 * Functions host gets back: the HTTP response of an HTTP trigger, else the invocation's outcome
 * ({@code Succeeded}, or {@code Failed} with the error the host would retry on).
 */
final class InvokeAzure {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new JavaTimeModule())
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);

    private InvokeAzure() {}

    @SuppressWarnings("unchecked")
    static InvokeFunctions.Result eventHubs(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        List<byte[]> events = new ArrayList<>();
        for (JsonNode e : doc.path("events")) {
            events.add(Base64.getDecoder().decode(e.asText()));
        }
        SystemProperty[] props = JSON.treeToValue(doc.path("SystemPropertiesArray"), SystemProperty[].class);
        Map<String, Object> partition = JSON.treeToValue(doc.path("PartitionContext"), Map.class);
        try {
            EventHubsIngestFunction.fromSettings(t.env(), t.clock())
                    .run(events, props, partition, context(EventHubsIngestFunction.NAME));
            return succeeded();
        } catch (IngestNotStoredException e) {
            return failed(e);
        }
    }

    static InvokeFunctions.Result http(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        SimpleHttpRequestMessage request = LocalAzureDrivers.httpRequest(doc);
        HttpResponseMessage response =
                HttpIngestFunction.fromSettings(t.env(), t.clock()).run(request, context(HttpIngestFunction.NAME));
        ObjectNode out = JSON.createObjectNode();
        out.put("status", response.getStatusCode());
        if (response instanceof SimpleHttpRequestMessage.Response r) {
            out.set("headers", JSON.valueToTree(r.headers()));
        }
        Object b = response.getBody();
        out.put("body", b instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(b));
        return new InvokeFunctions.Result(out.toString(), response.getStatusCode() >= 500);
    }

    static InvokeFunctions.Result maintenance(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        MaintenanceFunction function = new MaintenanceFunction(MaintenanceFunction.job(
                MaintenanceConfig.fromEnv(new Env(t.env())), t.clock(), AzureCredentials.DEFAULT, t.metrics()));
        // The host gets nothing back from a timer function; the run's report is what it logs.
        ObjectNode out = JSON.createObjectNode().put("status", "Succeeded");
        out.set("report", JSON.valueToTree(function.run(Files.readString(file), context(MaintenanceFunction.NAME))));
        return new InvokeFunctions.Result(out.toString(), false);
    }

    static InvokeFunctions.Result sloReport(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        new SloReportFunction(AzureSloRuntime.fromEnv(new Env(t.env()), t.clock()))
                .report(Files.readString(file), context("slo-report"));
        return succeeded();
    }

    private static InvokeFunctions.Result succeeded() {
        return new InvokeFunctions.Result("{\"status\":\"Succeeded\"}", false);
    }

    private static InvokeFunctions.Result failed(Exception e) {
        ObjectNode out = JSON.createObjectNode().put("status", "Failed");
        out.put("error", DbreCommand.describe(e));
        return new InvokeFunctions.Result(out.toString(), true);
    }

    private static ExecutionContext context(String function) {
        return new SimpleExecutionContext(UUID.randomUUID().toString(), function);
    }
}
