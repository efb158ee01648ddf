package dev.dbre.gcp.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.GoogleCredentials;
import dev.dbre.port.AlertNotifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Publishes alert notices to a Pub/Sub topic ({@code projects/p/topics/t}) with the REST API's
 * {@code topics.publish}: one message whose data is the notice's JSON, with attributes {@code type}
 * ({@code dbre.slo.alerts}, for subscription filters) and {@code subject}. The service account needs
 * {@value #ROLE} on the topic. The Pub/Sub client library (gRPC) is not in this build; one POST is
 * all it takes.
 */
public final class PubSubNotifier implements AlertNotifier {
    public static final String ROLE = "roles/pubsub.publisher";
    static final URI ENDPOINT = URI.create("https://pubsub.googleapis.com/");
    static final String SCOPE = "https://www.googleapis.com/auth/pubsub";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String topic;
    private final Supplier<String> accessToken;
    private final HttpClient http;

    /**
     * @param endpoint the API's root ({@link #ENDPOINT}; tests: a local server)
     * @param accessToken an OAuth access token for the Pub/Sub scope, asked for at each send
     */
    public PubSubNotifier(URI endpoint, String topic, Supplier<String> accessToken) {
        this.endpoint = endpoint;
        this.topic = topic;
        this.accessToken = accessToken;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** With the function's application default credentials. */
    public static PubSubNotifier standard(String topic) {
        return new PubSubNotifier(ENDPOINT, topic, new Supplier<>() {
            private GoogleCredentials credentials;

            @Override
            public synchronized String get() {
                try {
                    if (credentials == null) {
                        credentials = GoogleCredentials.getApplicationDefault().createScoped(SCOPE);
                    }
                    credentials.refreshIfExpired();
                    return credentials.getAccessToken().getTokenValue();
                } catch (IOException e) {
                    throw new UncheckedIOException("no Google credentials for Pub/Sub: " + e.getMessage(), e);
                }
            }
        });
    }

    /** @throws IOException naming the topic: no credentials, permission denied (with the role), another answer */
    @Override
    public void send(AlertNotice notice) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode message = body.putArray("messages").addObject();
        message.put("data", Base64.getEncoder().encodeToString(notice.json().getBytes(StandardCharsets.UTF_8)));
        message.putObject("attributes").put("type", "dbre.slo.alerts").put("subject", notice.subject());
        String token;
        try {
            token = accessToken.get();
        } catch (RuntimeException e) {
            throw new IOException("cannot publish to " + topic + ": " + e.getMessage(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("v1/" + topic + ":publish"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + topic, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String hint = status == 403
                    ? ": grant the function's service account " + ROLE + " on the topic"
                    : status == 404 ? ": no such topic" : "";
            throw new IOException("Pub/Sub publish to " + topic + " answered HTTP " + status + hint);
        }
    }

    @Override
    public String toString() {
        return "PubSubNotifier[" + topic + "]";
    }
}
