package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.ingest.HttpIngestHandler;
import dev.dbre.aws.ingest.KinesisIngestHandler;
import dev.dbre.aws.maintenance.MaintenanceConfig;
import dev.dbre.aws.maintenance.MaintenanceHandler;
import dev.dbre.aws.maintenance.MaintenanceWiring;
import dev.dbre.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** run-local's drivers for the AWS handlers: {@code events/aws/*.json} read as the Lambda runtime reads them. */
final class AwsDrivers {
    private AwsDrivers() {}

    static <T> T load(Path file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return LambdaEventSerializers.serializerFor(type, AwsDrivers.class.getClassLoader())
                    .fromJson(in);
        }
    }

    /** {@code events/aws/kinesis-*.json} through {@link KinesisIngestHandler}. */
    static final class Kinesis implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("aws") && fileName.startsWith("kinesis");
        }

        @Override
        public String send(Path file, Target target) throws IOException {
            KinesisEvent event = load(file, KinesisEvent.class);
            StreamsEventResponse response = new KinesisIngestHandler(target.ingest(), target.metrics(), target.clock())
                    .handleRequest(event, LambdaContext.next("dbre-ingest-kinesis"));
            return event.getRecords().size() + " records, batchItemFailures="
                    + response.getBatchItemFailures().size();
        }
    }

    /** {@code events/aws/apigw-http-v2-*.json} through {@link HttpIngestHandler}. */
    static final class Http implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("aws") && SampleEventDriver.isIngestHttpSample(fileName, "apigw-http-v2");
        }

        @Override
        public String send(Path file, Target target) throws IOException {
            APIGatewayV2HTTPEvent event = load(file, APIGatewayV2HTTPEvent.class);
            APIGatewayV2HTTPResponse response = new HttpIngestHandler(target.ingest(), target.metrics(), target.clock())
                    .handleRequest(event, LambdaContext.next("dbre-ingest-http"));
            return "HTTP " + response.getStatusCode() + " "
                    + String.valueOf(response.getBody()).strip();
        }
    }

    /** {@code events/aws/scheduler-maintenance*.json} through {@link MaintenanceHandler}. */
    static final class Maintenance implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("aws") && fileName.startsWith("scheduler-maintenance");
        }

        @Override
        public String send(Path file, Target target) throws IOException {
            MaintenanceHandler handler = new MaintenanceHandler(MaintenanceWiring.job(
                    MaintenanceConfig.fromEnv(new Env(target.functionEnv())),
                    AnonymousCredentialsProvider.create(),
                    target.metrics(),
                    target.clock()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = Files.newInputStream(file)) {
                handler.handleRequest(in, out, LambdaContext.next("dbre-maintenance"));
            }
            JsonNode summary = new ObjectMapper().readTree(out.toByteArray());
            JsonNode r = summary.path("resolutions");
            return "maintenance: rolled up " + r.path("1m").path("rolledUp").asInt() + " minute(s), "
                    + r.path("1h").path("rolledUp").asInt() + " hour(s); complete="
                    + summary.path("complete").asBoolean();
        }
    }
}
