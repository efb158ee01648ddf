package dev.dbre.azure.slo;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.dbre.port.AlertNotifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Publishes alert notices to an Event Grid custom topic ({@code
 * https://<topic>.<region>-1.eventgrid.azure.net/api/events}) in the Event Grid event schema, as the
 * function's managed identity (an Entra token for {@code https://eventgrid.azure.net}; the identity
 * needs {@value #ROLE} on the topic). One event of type {@value #EVENT_TYPE} whose {@code data} is
 * the notice's JSON. Event Grid has no Java SDK in this build: its REST call is one POST.
 */
public final class EventGridNotifier implements AlertNotifier {
    public static final String ROLE = "EventGrid Data Sender";
    public static final String EVENT_TYPE = "Dbre.Slo.AlertsChanged";
    static final String SCOPE = "https://eventgrid.azure.net/.default";
    static final String API_VERSION = "2018-01-01";

    private final URI topic;
    private final Supplier<TokenCredential> credential;
    private final Clock clock;
    private final HttpClient http;

    public EventGridNotifier(URI topic, Supplier<TokenCredential> credential, Clock clock) {
        this.topic = topic;
        this.credential = credential;
        this.clock = clock;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** @throws IOException naming the topic: no token, access denied (with the role), another answer, unreachable */
    @Override
    public void send(AlertNotice notice) throws IOException {
        String token;
        try {
            token = credential
                    .get()
                    .getTokenSync(new TokenRequestContext().addScopes(SCOPE))
                    .getToken();
        } catch (RuntimeException e) {
            throw new IOException("no Entra token for Event Grid topic " + topic.getHost() + ": " + e.getMessage(), e);
        }
        String event = "[{\"id\":\"" + UUID.randomUUID() + "\",\"eventType\":\"" + EVENT_TYPE
                + "\",\"subject\":\"dbre/slo-report\",\"eventTime\":\"" + clock.instant() + "\",\"dataVersion\":\"1\""
                + ",\"data\":" + notice.json() + "}]";
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(topic + (topic.getQuery() == null ? "?" : "&") + "api-version=" + API_VERSION))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to Event Grid topic " + topic.getHost(), e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String hint = status == 401 || status == 403
                    ? ": grant the function's managed identity the " + ROLE + " role on the topic"
                    : "";
            throw new IOException("Event Grid topic " + topic.getHost() + " answered HTTP " + status + hint);
        }
    }

    @Override
    public String toString() {
        return "EventGridNotifier[" + topic.getHost() + "]";
    }
}
