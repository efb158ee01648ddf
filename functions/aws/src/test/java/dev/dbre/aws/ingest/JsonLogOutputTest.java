package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Captures stdout (where Lambda's runtime reads logs) during real invocations, through the
 * production log4j2.xml and the EMF publisher, and checks every line is one JSON object carrying
 * the invocation's request_id, and that no payload or token appears.
 */
class JsonLogOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineOfAnInvocation_isJsonWithTheRequestId() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Clock clock = Clock.systemUTC();
        KinesisIngestHandler kinesis = new KinesisIngestHandler(
                new IngestService(db.connections(), ParseLimits.DEFAULTS, clock), new EmfMetricsPublisher(), clock);
        HttpIngestHandler down = new HttpIngestHandler(
                new IngestService(
                        JdbcConnectionFactory.of("jdbc:postgresql://127.0.0.1:" + closedPort + "/x", "postgres", null),
                        ParseLimits.DEFAULTS,
                        clock),
                new EmfMetricsPublisher(),
                clock);

        String out = captureStdout(() -> {
            kinesis.handleRequest(LambdaEvents.kinesis("kinesis-batch.json"), LambdaEvents.context("req-log-1"));
            down.handleRequest(LambdaEvents.http("apigw-http-v2-all-bad.json"), LambdaEvents.context("req-log-2"));
        });

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.lines().toList()) {
            try {
                lines.add(JSON.readTree(line));
            } catch (Exception e) {
                throw new AssertionError("a log line is not JSON: " + line, e);
            }
        }
        // At least: the core's and the handler's summary lines, a warning and two EMF lines.
        assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
        assertThat(lines)
                .allSatisfy(n -> assertThat(n.path("request_id").asText()).isIn("req-log-1", "req-log-2"));
        assertThat(lines).anySatisfy(n -> assertThat(n.has("_aws")).isTrue());
        assertThat(lines).anySatisfy(n -> assertThat(n.path("level").asText()).isEqualTo("WARN"));
        // Payloads stay out of the logs at INFO.
        assertThat(out).doesNotContain("page.views").doesNotContain("bad.value:abc");
    }

    private static String captureStdout(Runnable r) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
