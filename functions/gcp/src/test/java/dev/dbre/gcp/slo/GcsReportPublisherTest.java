package dev.dbre.gcp.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GcsReportPublisher through the real Cloud Storage client (JSON API) against a server on 127.0.0.1
 * answering as the JSON API documents (the object resource for an upload; the error JSON).
 */
class GcsReportPublisherTest {
    private final FakeHttpServer http = FakeHttpServer.start();
    private final GcsReportPublisher publisher = new GcsReportPublisher(() -> storage(http), "dbre-reports", "slo/");

    static Storage storage(FakeHttpServer http) {
        return StorageOptions.http()
                .setHost(http.uri().toString())
                .setProjectId("dbre-prod")
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
                .build()
                .getService();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void uploadsTheObjectUnderThePrefix_withItsContentType() throws IOException {
        http.always(
                r -> r.method().equals("POST"),
                Reply.of(
                        200,
                        "application/json",
                        "{\"kind\":\"storage#object\",\"bucket\":\"dbre-reports\",\"name\":\"slo/latest/slo-report.json\","
                                + "\"generation\":\"1772323200000000\",\"contentType\":\"application/json\",\"size\":\"2\"}"));

        String where =
                publisher.publish("latest/slo-report.json", "application/json", "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(where).isEqualTo("gs://dbre-reports/slo/latest/slo-report.json");
        assertThat(http.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/upload/storage/v1/b/dbre-reports/o");
            assertThat(r.body())
                    .contains("\"name\":\"slo/latest/slo-report.json\"", "\"contentType\":\"application/json\"");
        });
    }

    @Test
    void forbidden_namesTheObjectAndTheRole() {
        http.always(
                r -> true,
                Reply.of(
                        403,
                        "application/json",
                        "{\"error\":{\"code\":403,\"message\":\"fn@dbre-prod.iam.gserviceaccount.com does not have"
                                + " storage.objects.create access\",\"errors\":[{\"reason\":\"forbidden\"}]}}"));

        assertThatThrownBy(() -> publisher.publish("latest/slo-report.json", "application/json", new byte[] {'{', '}'}))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(
                        "could not write gs://dbre-reports/slo/latest/slo-report.json: Cloud Storage error 403")
                .hasMessageEndingWith(": grant the function's service account roles/storage.objectUser on the bucket");
    }
}
