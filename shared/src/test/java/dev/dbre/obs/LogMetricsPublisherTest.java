package dev.dbre.obs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogMetricsPublisherTest {

    @Test
    void publish_writesOneJsonLineWithMetricsDimensionsAndRequestId() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
        LogMetricsPublisher publisher =
                new LogMetricsPublisher(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock);

        try (LogContext ignored = LogContext.open("req-42", "ingest")) {
            publisher.publish(
                    Map.of("function", "ingest"),
                    List.of(Metric.count(MetricNames.INGEST_POINTS_STORED, 7), Metric.millis("T", 1.5)));
        }

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(out);
        assertThat(line.get("request_id").asText()).isEqualTo("req-42");
        assertThat(line.get("time").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(line.at("/metrics/IngestPointsStored").asDouble()).isEqualTo(7.0);
        assertThat(line.at("/units/T").asText()).isEqualTo("Milliseconds");
        assertThat(line.at("/dimensions/function").asText()).isEqualTo("ingest");
    }
}
