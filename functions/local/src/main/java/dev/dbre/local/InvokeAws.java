package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.ingest.HttpIngestHandler;
import dev.dbre.aws.ingest.KinesisIngestHandler;
import dev.dbre.aws.maintenance.MaintenanceConfig;
import dev.dbre.aws.maintenance.MaintenanceHandler;
import dev.dbre.aws.maintenance.MaintenanceWiring;
import dev.dbre.aws.migrate.MigrationHandler;
import dev.dbre.aws.slo.AwsSloConfig;
import dev.dbre.aws.slo.SloReportHandler;
import dev.dbre.aws.slo.SloReportWiring;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        StreamsEventResponse r = new KinesisIngestHandler(ingest(t), t.metrics(), t.clock())
                .handleRequest(AwsDrivers.load(file, KinesisEvent.class), LambdaContext.next("ingest-kinesis"));
        return new InvokeFunctions.Result(JSON.writeValueAsString(r), false);
    }

    static InvokeFunctions.Result http(Path file, JsonNode event, InvokeTarget t) throws Exception {
        APIGatewayV2HTTPResponse r = new HttpIngestHandler(ingest(t), t.metrics(), t.clock())
                .handleRequest(AwsDrivers.load(file, APIGatewayV2HTTPEvent.class), LambdaContext.next("ingest-http"));
        return new InvokeFunctions.Result(JSON.writeValueAsString(r), false);
    }

    static InvokeFunctions.Result maintenance(Path file, JsonNode event, InvokeTarget t) throws Exception {
        Env env = new Env(t.env());
        return stream(
                new MaintenanceHandler(MaintenanceWiring.job(
                        MaintenanceConfig.fromEnv(env), AnonymousCredentialsProvider.create(), t.metrics(), t.clock())),
                file,
                "maintenance");
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
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(file)) {
            handler.handleRequest(in, out, LambdaContext.next(name));
        }
        return new InvokeFunctions.Result(out.toString(StandardCharsets.UTF_8), false);
    }
}
