package dev.dbre.slo.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The webhook over real HTTP to a server on 127.0.0.1. */
class WebhookNotifierTest {
    static final AlertNotice NOTICE = new AlertNotice("SLO alerts: 1 started", "{\"type\":\"dbre.slo.alerts\"}");

    @Test
    void postsTheNoticeAsJson() throws Exception {
        try (FakeHttpServer hook = FakeHttpServer.start()) {
            hook.always(r -> true, Reply.of(204, null, null));

            new WebhookNotifier(hook.uri().resolve("/hooks/T0/B0/secret-token"), Duration.ofSeconds(5)).send(NOTICE);

            assertThat(hook.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/hooks/T0/B0/secret-token");
                assertThat(r.header("content-type")).isEqualTo("application/json");
                assertThat(r.body()).isEqualTo(NOTICE.json());
            });
        }
    }

    @Test
    void aNon2xxAnswer_isAnErrorNamingTheHostAndStatus_neverThePathOrQuery() {
        try (FakeHttpServer hook = FakeHttpServer.start()) {
            hook.always(r -> true, Reply.of(403, "text/plain", "invalid_token"));
            URI url = hook.uri().resolve("/hooks/secret-token?sig=abc");

            assertThatThrownBy(() -> new WebhookNotifier(url, Duration.ofSeconds(5)).send(NOTICE))
                    .isInstanceOf(IOException.class)
                    .hasMessage(
                            "the webhook http://127.0.0.1:" + url.getPort() + "/... answered HTTP 403: invalid_token")
                    .hasMessageNotContaining("secret-token");
        }
    }

    @Test
    void aWebhookThatDoesNotAnswer_failsWithinTheTimeout() throws Exception {
        // A socket that accepts connections (backlog) but never answers.
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook");
            long start = System.nanoTime();

            assertThatThrownBy(() -> new WebhookNotifier(url, Duration.ofMillis(300)).send(NOTICE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("could not be reached within");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
