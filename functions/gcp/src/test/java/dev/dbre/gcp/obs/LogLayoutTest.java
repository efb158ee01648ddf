package dev.dbre.gcp.obs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbre.gcp.testing.GcpEvents;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

/** The shipped log4j2.xml writes the JSON lines Cloud Logging reads as structured logs. */
class LogLayoutTest {
    private static JsonNode render(LogEvent event) throws Exception {
        XmlConfiguration conf = new XmlConfiguration(
                new LoggerContext("layout-test"),
                ConfigurationSource.fromResource("log4j2.xml", LogLayoutTest.class.getClassLoader()));
        conf.initialize();
        conf.start();
        try {
            Appender json = conf.getAppender("json");
            return GcpEvents.JSON.readTree(
                    json.getLayout().toSerializable(event).toString());
        } finally {
            conf.stop();
        }
    }

    @Test
    void warnLine_hasCloudLoggingSeverity_trace_andRequestId() throws Exception {
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue("request_id", "b8k2x1q9v0");
        mdc.putValue("function", "ingest-http");
        mdc.putValue(CloudTrace.FIELD, "projects/dbre-prod/traces/105445aa7843bc8bf206b12000100000");
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("dev.dbre.gcp.HttpIngestFunction")
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage("could not store"))
                .setContextData(mdc)
                .setTimeMillis(1795428000000L)
                .build();

        JsonNode line = render(event);

        assertThat(line.get("severity").asText()).isEqualTo("WARNING");
        assertThat(line.get("message").asText()).isEqualTo("could not store");
        assertThat(line.get("request_id").asText()).isEqualTo("b8k2x1q9v0");
        assertThat(line.get("logging.googleapis.com/trace").asText())
                .isEqualTo("projects/dbre-prod/traces/105445aa7843bc8bf206b12000100000");
        assertThat(line.get("timestamp").asText()).isEqualTo("2026-11-23T10:00:00.000Z");
    }

    @Test
    void lineWithoutTrace_leavesTheTraceFieldOut() throws Exception {
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("x")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage("ok"))
                .build();
        JsonNode line = render(event);
        assertThat(line.get("severity").asText()).isEqualTo("INFO");
        assertThat(line.has("logging.googleapis.com/trace")).isFalse();
    }
}
