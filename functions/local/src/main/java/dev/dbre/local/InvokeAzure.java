package dev.dbre.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.dbre.azure.backup.AzureBackupRuntime;
import dev.dbre.azure.backup.BackupConfig;
import dev.dbre.azure.backup.SnapshotFunction;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.azure.ingest.EventHubsIngestFunction;
import dev.dbre.azure.ingest.HttpIngestFunction;
import dev.dbre.azure.ingest.SystemProperty;
import dev.dbre.azure.maintenance.MaintenanceConfig;
import dev.dbre.azure.maintenance.MaintenanceFunction;
import dev.dbre.azure.restore.DrillFunction;
import dev.dbre.azure.restore.RestoreAdvanceFunction;
import dev.dbre.azure.restore.RestoreSubmitFunction;
import dev.dbre.azure.rotation.KeyVaultRotationFunction;
import dev.dbre.azure.rotation.KeyVaultRotationRuntime;
import dev.dbre.azure.slo.AzureSloRuntime;
import dev.dbre.azure.slo.SloReportFunction;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.azure.testing.SimpleHttpRequestMessage;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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

    static InvokeFunctions.Result eventHubs(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        try {
            eventHubs(doc, t.env(), t.clock());
            return succeeded();
        } catch (IngestNotStoredException e) {
            return failed(e);
        }
    }

    /**
     * The binding values in {@code doc} (base64 event bodies, their system properties, the partition
     * context) through {@link EventHubsIngestFunction}, as the Java worker passes them (run-local's
     * driver too).
     *
     * @return how many events were sent
     * @throws IngestNotStoredException when the function throws for the host to retry
     */
    @SuppressWarnings("unchecked")
    static int eventHubs(JsonNode doc, Map<String, String> env, Clock clock) throws Exception {
        List<byte[]> events = new ArrayList<>();
        for (JsonNode e : doc.path("events")) {
            events.add(Base64.getDecoder().decode(e.asText()));
        }
        SystemProperty[] props = JSON.treeToValue(doc.path("SystemPropertiesArray"), SystemProperty[].class);
        Map<String, Object> partition = JSON.treeToValue(doc.path("PartitionContext"), Map.class);
        EventHubsIngestFunction.fromSettings(env, clock)
                .run(events, props, partition, context(EventHubsIngestFunction.NAME));
        return events.size();
    }

    static InvokeFunctions.Result http(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        return httpResult(http(doc, t.env(), t.clock()));
    }

    /** The request {@code doc} describes through {@link HttpIngestFunction} (run-local's driver too). */
    static HttpResponseMessage http(JsonNode doc, Map<String, String> env, Clock clock) {
        return HttpIngestFunction.fromSettings(env, clock)
                .run(LocalAzureDrivers.httpRequest(doc), context(HttpIngestFunction.NAME));
    }

    static InvokeFunctions.Result maintenance(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        // The host gets nothing back from a timer function; the run's report is what it logs.
        ObjectNode out = JSON.createObjectNode().put("status", "Succeeded");
        out.set("report", JSON.valueToTree(maintenance(file, t.env(), t.metrics(), t.clock())));
        return new InvokeFunctions.Result(out.toString(), false);
    }

    /** The TimerInfo in {@code file} through {@link MaintenanceFunction}: its report (run-local's driver too). */
    static MaintenanceService.Report maintenance(
            Path file, Map<String, String> env, MetricsPublisher metrics, Clock clock) throws IOException {
        MaintenanceFunction function = new MaintenanceFunction(MaintenanceFunction.job(
                MaintenanceConfig.fromEnv(new Env(env)), clock, AzureCredentials.DEFAULT, metrics));
        return function.run(Files.readString(file), context(MaintenanceFunction.NAME));
    }

    static InvokeFunctions.Result sloReport(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        new SloReportFunction(AzureSloRuntime.fromEnv(new Env(t.env()), t.clock()))
                .report(Files.readString(file), context("slo-report"));
        return succeeded();
    }

    /** The snapshot timer over the local stand-in of the policy's Flexible Servers; the run's rows say what it did. */
    static InvokeFunctions.Result snapshot(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        try (InvokeBackup b = InvokeBackup.withSource(t, "the Flexible Servers of the policy", null)) {
            new SnapshotFunction(runtime(b)).snapshot(Files.readString(file), context("snapshot-timer"));
            return succeeded();
        }
    }

    /**
     * {@code POST /api/restores} over the stand-in of the request's source; a request it accepts is
     * then advanced to its end through {@code POST /api/restores/advance}, as the orchestration that
     * calls it would (each step on stderr): the restore really happens.
     */
    static InvokeFunctions.Result restoreSubmit(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        try (InvokeBackup b = InvokeBackup.withSource(
                t, "Flexible Server", InvokeBackup.sourceOf(doc.path("body").asText()))) {
            b.ensureBackup();
            AzureBackupRuntime runtime = runtime(b);
            InvokeFunctions.Result r = httpResult(new RestoreSubmitFunction(runtime)
                    .submit(LocalAzureDrivers.httpRequest(doc), context("restore-submit")));
            JsonNode answer = JSON.readTree(r.response());
            if (answer.path("status").asInt() == 202) {
                String runId = JSON.readTree(answer.path("body").asText())
                        .path("runId")
                        .asText();
                RestoreAdvanceFunction advance = new RestoreAdvanceFunction(runtime);
                ObjectNode step = doc.deepCopy();
                step.put("url", doc.path("url").asText() + "/advance");
                step.put("body", JSON.createObjectNode().put("runId", runId).toString());
                b.follow(
                        "the orchestration's advance calls: run " + runId,
                        () -> JSON.readTree(JSON.readTree(httpResult(advance.advance(
                                                LocalAzureDrivers.httpRequest(step), context("restore-advance")))
                                        .response())
                                .path("body")
                                .asText()),
                        n -> n.path("done").asBoolean());
            }
            return r;
        }
    }

    /** {@code POST /api/restores/advance}: the event's run, or the newest one standing in for a sample's id. */
    static InvokeFunctions.Result restoreAdvance(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        try (InvokeBackup b = InvokeBackup.restoresOnly(t)) {
            String given =
                    JSON.readTree(doc.path("body").asText("{}")).path("runId").asText(null);
            ObjectNode request = doc.deepCopy();
            request.put(
                    "body",
                    JSON.createObjectNode().put("runId", b.runIdFor(given)).toString());
            return httpResult(new RestoreAdvanceFunction(runtime(b))
                    .advance(LocalAzureDrivers.httpRequest(request), context("restore-advance")));
        }
    }

    /**
     * The drill timer (the day's drill of {@code DBRE_DRILL_REQUEST_FILE}, default the project's
     * sample request), ticked until no drill runs, as its schedule would.
     */
    static InvokeFunctions.Result drill(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        InvokeTarget withRequest = InvokeBackup.withDrillRequest(t, file);
        try (InvokeBackup b =
                InvokeBackup.withSource(withRequest, "Flexible Server", InvokeBackup.drillSource(withRequest))) {
            b.ensureBackup();
            DrillFunction function = new DrillFunction(runtime(b));
            String timerInfo = Files.readString(file);
            b.follow(
                    "the drill timer's ticks",
                    () -> {
                        function.drill(timerInfo, context("restore-drill-timer"));
                        return b.openDrills();
                    },
                    open -> open.path("open").asInt() == 0);
            return succeeded();
        }
    }

    /**
     * The Key Vault rotation over the local stand-in of the event's secret: all four steps in one
     * invocation, as in Azure; the event's vault stands for itself.
     */
    static InvokeFunctions.Result rotation(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        JsonNode data = doc.path("data");
        String vault = data.path("VaultName").asText("vault");
        String secret = data.path("ObjectName").asText();
        LocalSecretStore store = InvokeSecrets.store(t);
        if (!secret.isBlank()) {
            InvokeSecrets.seed(t, store, secret, "Key Vault " + vault + " secret");
        }
        RotationService rotation = InvokeSecrets.rotation(t, store, "azure", "rotate-keyvault");
        new KeyVaultRotationFunction(new KeyVaultRotationRuntime(
                        rotation,
                        RotationSettings.fromEnv(new Env(t.env())).strategy(),
                        "https://" + vault + ".vault.azure.net"))
                .run(Files.readString(file), context("rotate-keyvault"));
        return succeeded();
    }

    /**
     * The backup runtime as the functions' own builds it, over the local provider: the settings of the
     * function's environment, the subscription and resource group standing in as {@code local}
     * unless given (nothing here calls Azure), no login setting for restored servers (the local
     * provider's own), and the stand-in policy unless one is given.
     */
    private static AzureBackupRuntime runtime(InvokeBackup b) throws java.io.IOException {
        Map<String, String> env = new java.util.LinkedHashMap<>(b.envWithPolicy());
        env.putIfAbsent(BackupConfig.SUBSCRIPTION, "local");
        env.putIfAbsent(BackupConfig.RESOURCE_GROUP, "local");
        // The local provider logs in to its restored servers itself (the embedded superuser).
        env.putIfAbsent(RestoredDbLogin.AUTH, "none");
        return AzureBackupRuntime.overProvider(
                new Env(env), b.target.clock(), b.target.metrics(), b.runs, b.provider, b::sourceLogin);
    }

    private static InvokeFunctions.Result httpResult(HttpResponseMessage response) {
        ObjectNode out = JSON.createObjectNode();
        out.put("status", response.getStatusCode());
        if (response instanceof SimpleHttpRequestMessage.Response r) {
            out.set("headers", JSON.valueToTree(r.headers()));
        }
        Object b = response.getBody();
        out.put("body", b instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(b));
        return new InvokeFunctions.Result(out.toString(), response.getStatusCode() >= 500);
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
