package dev.dbre.aws.obs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Needs AWS_EMF_ENVIRONMENT=Local (set by the surefire configuration): EMF on stdout as in Lambda. */
class EmfMetricsPublisherTest {
    @Test
    void publish_writesOneEmfLine_withNamespaceDimensionUnitsAndRequestId() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (LogContext ignored = LogContext.open("req-emf-1", "ingest")) {
            new EmfMetricsPublisher()
                    .publish(
                            Map.of("function", "ingest"),
                            List.of(
                                    Metric.count(MetricNames.INGEST_RECORDS, 6),
                                    Metric.millis(MetricNames.INGEST_STORE_TIME, 12.5)));
        } finally {
            System.setOut(original);
        }

        List<JsonNode> emf = captured.toString(StandardCharsets.UTF_8)
                .lines()
                .map(EmfMetricsPublisherTest::json)
                .filter(n -> n.has("_aws"))
                .toList();
        assertThat(emf).hasSize(1);
        JsonNode line = emf.get(0);
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("dbre");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"function\"]]");
        assertThat(directive.get("Metrics").toString())
                .contains("{\"Name\":\"IngestRecords\",\"Unit\":\"Count\"}")
                .contains("{\"Name\":\"IngestStoreTime\",\"Unit\":\"Milliseconds\"}");
        assertThat(line.get("function").asText()).isEqualTo("ingest");
        assertThat(line.get("IngestRecords").asDouble()).isEqualTo(6);
        assertThat(line.get("IngestStoreTime").asDouble()).isEqualTo(12.5);
        assertThat(line.get("request_id").asText()).isEqualTo("req-emf-1");
    }

    @Test
    void cloudWatchUnitNames_mapToPowertoolsUnits() {
        assertThat(EmfMetricsPublisher.unit("Count")).isEqualTo(MetricUnit.COUNT);
        assertThat(EmfMetricsPublisher.unit("Milliseconds")).isEqualTo(MetricUnit.MILLISECONDS);
        assertThat(EmfMetricsPublisher.unit("Furlongs")).isEqualTo(MetricUnit.NONE);
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
