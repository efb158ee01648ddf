package dev.dbre.slo.publish;

import dev.dbre.port.AlertNotifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs the notice's JSON to an https webhook (Slack workflow, Teams, PagerDuty Events, your own),
 * with a time limit on connecting and on the whole request. Any 2xx is success. Errors name the
 * webhook by scheme and host only: its path or query often carries a token (Slack's do).
 */
public final class WebhookNotifier implements AlertNotifier {
    /** The default bound on connecting and on the whole request. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final Duration timeout;
    private final HttpClient http;

    public WebhookNotifier(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** @throws IOException naming the webhook: not reached in time, or an answer other than 2xx */
    @Override
    public void send(AlertNotice notice) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "dbre-slo-report")
                .POST(HttpRequest.BodyPublishers.ofString(notice.json(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while notifying the webhook " + safe(url), e);
        } catch (IOException e) {
            throw new IOException(
                    "the webhook " + safe(url) + " could not be reached within " + timeout.toSeconds() + " s: "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new IOException("the webhook " + safe(url) + " answered HTTP " + status
                    + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body)));
        }
    }

    /** The URL's scheme, host and port only (its path, query and user info may carry a token). */
    static String safe(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/...";
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + safe(url) + "]";
    }
}
