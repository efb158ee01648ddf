package dev.dbre.gcp.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PubSubNotifier over real HTTP to a Pub/Sub-REST-shaped server on 127.0.0.1. */
class PubSubNotifierTest {
    static final String TOPIC = "projects/dbre-prod/topics/slo-alerts";
    static final AlertNotice NOTICE = new AlertNotice("SLO alerts: 1 started", "{\"type\":\"dbre.slo.alerts\"}");

    private final FakeHttpServer http = FakeHttpServer.start();
    private final PubSubNotifier notifier =
            new PubSubNotifier(http.uri().resolve("/"), TOPIC, () -> "ps-test-token-not-a-secret");

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void publishesOneMessage_dataIsTheNotice_withTypeAndSubjectAttributes() throws Exception {
        http.always(r -> r.method().equals("POST"), Reply.of(200, "application/json", "{\"messageIds\":[\"1\"]}"));

        notifier.send(NOTICE);

        assertThat(http.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/v1/" + TOPIC + ":publish");
            assertThat(r.header("authorization")).isEqualTo("Bearer ps-test-token-not-a-secret");
            JsonNode m = new ObjectMapper().readTree(r.body()).get("messages").get(0);
            assertThat(new String(Base64.getDecoder().decode(m.get("data").asText()), StandardCharsets.UTF_8))
                    .isEqualTo(NOTICE.json());
            assertThat(m.get("attributes").get("type").asText()).isEqualTo("dbre.slo.alerts");
            assertThat(m.get("attributes").get("subject").asText()).isEqualTo(NOTICE.subject());
        });
    }

    @Test
    void permissionDenied_namesTheTopicAndTheRole() {
        http.always(
                r -> true,
                Reply.of(403, "application/json", "{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\"}}"));

        assertThatThrownBy(() -> notifier.send(NOTICE))
                .isInstanceOf(IOException.class)
                .hasMessage("Pub/Sub publish to " + TOPIC + " answered HTTP 403: grant the function's service account"
                        + " roles/pubsub.publisher on the topic");
    }
}
