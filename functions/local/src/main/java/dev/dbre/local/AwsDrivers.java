package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.ingest.HttpIngestHandler;
import dev.dbre.aws.ingest.KinesisIngestHandler;
import dev.dbre.aws.maintenance.MaintenanceHandler;
import java.io.IOException;
import java.nio.file.Path;

/**
 * run-local's drivers for the AWS handlers: each sends {@code events/aws/*.json} the one way {@code
 * invoke} does ({@link InvokeAws}), with run-local's own ingest service, and says in a few words
 * what the handler answered.
 */
final class AwsDrivers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AwsDrivers() {}

    /** {@code events/aws/kinesis-*.json} through {@link KinesisIngestHandler}. */
    static final class Kinesis implements SampleEventDriver {
        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("aws") && fileName.startsWith("kinesis");
        }

        @Override
        public String send(Path file, Target target) throws IOException {
            StreamsEventResponse response = InvokeAws.kinesis(file, target.ingest(), target.metrics(), target.clock());
            return JSON.readTree(file.toFile()).path("Records").size() + " records, batchItemFailures="
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
            APIGatewayV2HTTPResponse response = InvokeAws.http(file, target.ingest(), target.metrics(), target.clock());
            return "HTTP " + response.getStatusCode() + " "
                    + String.valueOf(response.getBody()).strip();
        }
    }

    /** {@code events/aws/scheduler-maintenance*.json} through {@link MaintenanceHandler}. */
    static final class Maintenance implements SampleEventDriver {
        @Override
        public boolean replaysAtDelivery() {
            return false;
        }

        @Override
        public boolean handles(String cloud, String fileName) {
            return cloud.equals("aws") && fileName.startsWith("scheduler-maintenance");
        }

        @Override
        public String send(Path file, Target target) throws IOException {
            JsonNode summary =
                    JSON.readTree(InvokeAws.maintenance(file, target.functionEnv(), target.metrics(), target.clock()));
            JsonNode r = summary.path("resolutions");
            return "maintenance: rolled up " + r.path("1m").path("rolledUp").asInt() + " minute(s), "
                    + r.path("1h").path("rolledUp").asInt() + " hour(s); complete="
                    + summary.path("complete").asBoolean();
        }
    }
}
