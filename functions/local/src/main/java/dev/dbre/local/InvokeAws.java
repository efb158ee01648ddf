package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.backup.ScheduledSnapshotHandler;
import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.event.ApiGatewayHttp;
import dev.dbre.aws.ingest.HttpIngestHandler;
import dev.dbre.aws.ingest.KinesisIngestHandler;
import dev.dbre.aws.maintenance.MaintenanceConfig;
import dev.dbre.aws.maintenance.MaintenanceHandler;
import dev.dbre.aws.maintenance.MaintenanceWiring;
import dev.dbre.aws.migrate.MigrationHandler;
import dev.dbre.aws.restore.RestoreDrillHandler;
import dev.dbre.aws.restore.RestoreHttpHandler;
import dev.dbre.aws.restore.RestoreStepHandler;
import dev.dbre.aws.rotation.SecretsManagerRotationHandler;
import dev.dbre.aws.slo.AwsSloConfig;
import dev.dbre.aws.slo.SloReportHandler;
import dev.dbre.aws.slo.SloReportWiring;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.obs.MetricsPublisher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * {@code invoke}'s runners for the Lambda handlers: the event read as the Lambda Java runtime reads
 * it (aws-lambda-java-serialization for the typed handlers, the raw bytes for the stream handlers),
 * the handler built from the function's environment, and its return value written as the JSON
 * Lambda would return.
 */
final class InvokeAws {
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private InvokeAws() {}

    static InvokeFunctions.Result kinesis(Path file, JsonNode event, InvokeTarget t) throws Exception {
        StreamsEventResponse r = kinesis(file, ingest(t), t.metrics(), t.clock());
        return new InvokeFunctions.Result(JSON.writeValueAsString(r), false);
    }

    /** The Kinesis event in {@code file} through {@link KinesisIngestHandler} (run-local's driver too). */
    static StreamsEventResponse kinesis(Path file, IngestService ingest, MetricsPublisher metrics, Clock clock)
            throws IOException {
        return new KinesisIngestHandler(ingest, metrics, clock)
                .handleRequest(load(file, KinesisEvent.class), LambdaContext.next("ingest-kinesis"));
    }

    static InvokeFunctions.Result http(Path file, JsonNode event, InvokeTarget t) throws Exception {
        APIGatewayV2HTTPResponse r = http(file, ingest(t), t.metrics(), t.clock());
        return new InvokeFunctions.Result(JSON.writeValueAsString(r), false);
    }

    /** The API Gateway request in {@code file} through {@link HttpIngestHandler} (run-local's driver too). */
    static APIGatewayV2HTTPResponse http(Path file, IngestService ingest, MetricsPublisher metrics, Clock clock)
            throws IOException {
        return new HttpIngestHandler(ingest, metrics, clock)
                .handleRequest(load(file, APIGatewayV2HTTPEvent.class), LambdaContext.next("ingest-http"));
    }

    static InvokeFunctions.Result maintenance(Path file, JsonNode event, InvokeTarget t) throws Exception {
        return new InvokeFunctions.Result(maintenance(file, t.env(), t.metrics(), t.clock()), false);
    }

    /** The schedule's input in {@code file} through {@link MaintenanceHandler}: its JSON summary (run-local's driver too). */
    static String maintenance(Path file, Map<String, String> env, MetricsPublisher metrics, Clock clock)
            throws IOException {
        return stream(
                        new MaintenanceHandler(MaintenanceWiring.job(
                                MaintenanceConfig.fromEnv(new Env(env)),
                                AnonymousCredentialsProvider.create(),
                                metrics,
                                clock)),
                        file,
                        "maintenance")
                .response();
    }

    /** An event file read as the Lambda Java runtime reads it (aws-lambda-java-serialization). */
    static <T> T load(Path file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return LambdaEventSerializers.serializerFor(type, InvokeAws.class.getClassLoader())
                    .fromJson(in);
        }
    }

    static InvokeFunctions.Result migrate(Path file, JsonNode event, InvokeTarget t) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> input = JSON.treeToValue(event, Map.class);
        Map<String, Object> r =
                new MigrationHandler(new Env(t.env())).handleRequest(input, LambdaContext.next("migrate"));
        return new InvokeFunctions.Result(JSON.writeValueAsString(r), false);
    }

    static InvokeFunctions.Result sloReport(Path file, JsonNode event, InvokeTarget t) throws Exception {
        SloReportWiring wiring = SloReportWiring.of(
                AwsSloConfig.fromEnv(new Env(t.env())), AnonymousCredentialsProvider.create(), t.metrics(), t.clock());
        return stream(new SloReportHandler(wiring), file, "slo-report");
    }

    /** The snapshot function over the local stand-in of the policy's RDS instances. */
    static InvokeFunctions.Result snapshot(Path file, JsonNode event, InvokeTarget t) throws Exception {
        try (InvokeBackup b = InvokeBackup.withSource(t, "the RDS instances of the policy", null)) {
            return stream(new ScheduledSnapshotHandler(b.snapshotSchedule(), b.provider, t.clock()), file, "snapshot");
        }
    }

    /**
     * The restore function's HTTP trigger over the stand-in of the request's source; a request it
     * accepts is then advanced to its end through {@link RestoreStepHandler}, as the CDK app's state
     * machine does (each step on stderr): the restore really happens.
     */
    static InvokeFunctions.Result restoreSubmit(Path file, JsonNode event, InvokeTarget t) throws Exception {
        APIGatewayV2HTTPEvent request = load(file, APIGatewayV2HTTPEvent.class);
        try (InvokeBackup b =
                InvokeBackup.withSource(t, "RDS instance", InvokeBackup.sourceOf(ApiGatewayHttp.textBody(request)))) {
            b.ensureBackup();
            APIGatewayV2HTTPResponse r = new RestoreHttpHandler(b.restoreEndpoint(), t.clock())
                    .handleRequest(request, LambdaContext.next("restore"));
            if (r.getStatusCode() == 202) {
                String runId = JSON.readTree(r.getBody()).path("runId").asText();
                RestoreStepHandler step = new RestoreStepHandler(b.restoreEndpoint(), t.clock());
                byte[] input = JSON.writeValueAsBytes(java.util.Map.of("runId", runId));
                b.follow(
                        "the state machine's steps: run " + runId,
                        () -> stepAnswer(step, input),
                        n -> n.path("done").asBoolean());
            }
            return new InvokeFunctions.Result(JSON.writeValueAsString(r), r.getStatusCode() >= 500);
        }
    }

    /** One Step Functions task: the event's run, or the newest open one standing in for a sample's id. */
    static InvokeFunctions.Result restoreStep(Path file, JsonNode event, InvokeTarget t) throws Exception {
        try (InvokeBackup b = InvokeBackup.restoresOnly(t)) {
            byte[] input =
                    InvokeBackup.withRunId(event, b.runIdFor(event.path("runId").asText(null)));
            JsonNode answer = stepAnswer(new RestoreStepHandler(b.restoreEndpoint(), t.clock()), input);
            return new InvokeFunctions.Result(answer.toString(), false);
        }
    }

    /** The day's drill of {@code DBRE_DRILL_REQUEST_FILE} (default: the project's sample), ticked to its end. */
    static InvokeFunctions.Result drill(Path file, JsonNode event, InvokeTarget t) throws Exception {
        return drillTicks(file, InvokeBackup.withDrillRequest(t, file), "restore-drill");
    }

    /** The fleet drills of the policy, ticked until none runs. */
    static InvokeFunctions.Result fleetDrill(Path file, JsonNode event, InvokeTarget t) throws Exception {
        return drillTicks(file, InvokeBackup.withoutDrillRequest(t), "restore-fleet-drill");
    }

    private static InvokeFunctions.Result drillTicks(Path file, InvokeTarget t, String name) throws Exception {
        try (InvokeBackup b = InvokeBackup.withSource(t, "RDS instance", InvokeBackup.drillSource(t))) {
            b.ensureBackup();
            RestoreDrillHandler handler = new RestoreDrillHandler(b.scheduledDrills(), t.clock());
            JsonNode last = b.follow(
                    "the drill schedule's ticks",
                    () -> JSON.readTree(stream(handler, file, name).response()),
                    InvokeBackup::drillsDone);
            return new InvokeFunctions.Result(last.toString(), false);
        }
    }

    /**
     * The rotation function over the local stand-in of the event's secret. Secrets Manager's
     * RotateSecret stages the token as a value-less pending version before the first step: a token
     * that is not yet a version is begun so, and a later step sent first runs the steps before it
     * (said on stderr), as the four calls of one rotation would have.
     */
    static InvokeFunctions.Result rotation(Path file, JsonNode event, InvokeTarget t) throws Exception {
        String secretId = event.path("SecretId").asText();
        String token = event.path("ClientRequestToken").asText();
        String step = event.path("Step").asText();
        LocalSecretStore store = InvokeSecrets.store(t);
        InvokeSecrets.seed(t, store, secretId, "Secrets Manager secret");
        SecretsManagerRotationHandler handler =
                new SecretsManagerRotationHandler(InvokeSecrets.rotation(t, store, "aws", null));
        if (!secretId.isBlank() && !token.isBlank() && !InvokeSecrets.isVersion(store, secretId, token)) {
            store.beginVersion(secretId, token);
            t.note("token " + token + " staged AWSPENDING (value-less), as RotateSecret does");
            for (String earlier : ROTATION_STEPS.subList(0, Math.max(0, ROTATION_STEPS.indexOf(step)))) {
                t.note("running " + earlier + " first (this rotation had not run it)");
                handler.handleRequest(
                        Map.of("SecretId", secretId, "ClientRequestToken", token, "Step", earlier),
                        LambdaContext.next("rotation"));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, String> input = JSON.treeToValue(event, Map.class);
        handler.handleRequest(input, LambdaContext.next("rotation"));
        // The handler returns nothing: Lambda's response is null.
        return new InvokeFunctions.Result("null", false);
    }

    private static final java.util.List<String> ROTATION_STEPS =
            java.util.List.of("createSecret", "setSecret", "testSecret", "finishSecret");

    private static JsonNode stepAnswer(RestoreStepHandler step, byte[] input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        step.handleRequest(new java.io.ByteArrayInputStream(input), out, LambdaContext.next("restore-step"));
        return JSON.readTree(out.toByteArray());
    }

    /**
     * The ingest service as the handlers' own wiring builds it ({@code IngestWiring}, package-private
     * there): the function's database, parse limits and metric store settings, all from its environment.
     */
    private static IngestService ingest(InvokeTarget t) {
        Env env = new Env(t.env());
        AwsDatabase db = AwsDatabase.fromEnv(env, t.clock(), AnonymousCredentialsProvider.create());
        return new IngestService(
                db.connections(), ParseLimits.fromEnv(env), MetricStoreSettings.fromEnv(env), t.clock());
    }

    private static InvokeFunctions.Result stream(RequestStreamHandler handler, Path file, String name)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(file)) {
            handler.handleRequest(in, out, LambdaContext.next(name));
        }
        return new InvokeFunctions.Result(out.toString(StandardCharsets.UTF_8), false);
    }
}
