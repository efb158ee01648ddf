package dev.dbre.azure.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** EventGridNotifier over real HTTP to an Event-Grid-shaped topic on 127.0.0.1. */
class EventGridNotifierTest {
    static final AlertNotice NOTICE =
            new AlertNotice("SLO alerts: 1 started", "{\"type\":\"dbre.slo.alerts\",\"firing\":1}");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T00:00:05Z"), ZoneOffset.UTC);

    private final FakeHttpServer http = FakeHttpServer.start();
    private final List<String> scopes = new ArrayList<>();
    private final TokenCredential credential = request -> {
        scopes.addAll(request.getScopes());
        return Mono.just(new AccessToken(
                "eg-test-token-not-a-secret", OffsetDateTime.now().plusHours(1)));
    };

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void postsOneEventGridEvent_withTheNoticeAsData_andAnEntraToken() throws Exception {
        http.always(r -> r.method().equals("POST"), Reply.of(200, null, null));

        new EventGridNotifier(http.uri().resolve("/api/events"), () -> credential, CLOCK).send(NOTICE);

        assertThat(scopes).containsExactly("https://eventgrid.azure.net/.default");
        assertThat(http.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/api/events");
            assertThat(r.queryParams()).containsEntry("api-version", "2018-01-01");
            assertThat(r.header("authorization")).isEqualTo("Bearer eg-test-token-not-a-secret");
            JsonNode events = new ObjectMapper().readTree(r.body());
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("eventType").asText()).isEqualTo("Dbre.Slo.AlertsChanged");
            assertThat(events.get(0).get("eventTime").asText()).isEqualTo("2026-03-01T00:00:05Z");
            assertThat(events.get(0).get("data").get("firing").asInt()).isEqualTo(1);
        });
    }

    @Test
    void forbidden_namesTheTopicAndTheRole() {
        http.always(r -> true, Reply.of(403, "application/json", "{\"error\":{\"code\":\"Unauthorized\"}}"));

        assertThatThrownBy(() ->
                        new EventGridNotifier(http.uri().resolve("/api/events"), () -> credential, CLOCK).send(NOTICE))
                .isInstanceOf(IOException.class)
                .hasMessage("Event Grid topic 127.0.0.1 answered HTTP 403: grant the function's managed identity the"
                        + " EventGrid Data Sender role on the topic");
    }
}
