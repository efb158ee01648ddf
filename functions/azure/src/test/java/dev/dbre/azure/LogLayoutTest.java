package dev.dbre.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** The shipped log4j2.xml writes one JSON object per line, with the invocation id. */
class LogLayoutTest {
    @Test
    void line_isJsonWithLevelMessageAndInvocationId() throws Exception {
        XmlConfiguration conf = new XmlConfiguration(
                new LoggerContext("layout-test"),
                ConfigurationSource.fromResource("log4j2.xml", LogLayoutTest.class.getClassLoader()));
        conf.initialize();
        conf.start();
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue("request_id", "2f1e9c1a-invocation");
        mdc.putValue("function", "ingest-eventhubs");
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("dev.dbre.azure.ingest.EventHubsIngestFunction")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage("ingested 4 events"))
                .setContextData(mdc)
                .setTimeMillis(1795428000000L)
                .build();
        try {
            Appender json = conf.getAppender("json");
            String text = json.getLayout().toSerializable(event).toString();
            assertThat(text.strip().lines()).hasSize(1);
            JsonNode line = new ObjectMapper().readTree(text);
            assertThat(line.get("level").asText()).isEqualTo("INFO");
            assertThat(line.get("message").asText()).isEqualTo("ingested 4 events");
            assertThat(line.get("request_id").asText()).isEqualTo("2f1e9c1a-invocation");
            assertThat(line.get("function").asText()).isEqualTo("ingest-eventhubs");
            assertThat(line.get("time").asText()).isEqualTo("2026-11-23T10:00:00.000Z");
        } finally {
            conf.stop();
        }
    }
}
