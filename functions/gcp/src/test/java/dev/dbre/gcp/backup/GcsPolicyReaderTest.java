package dev.dbre.gcp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GcsPolicyReader through the real Cloud Storage client (JSON API transport, no credentials)
 * against a server on 127.0.0.1 answering as the JSON API documents: the object's bytes for {@code
 * GET /download/storage/v1/b/BUCKET/o/OBJECT?alt=media} (the media download endpoint the client
 * uses), and its error JSON.
 */
class GcsPolicyReaderTest {
    /** The JSON API's media download path (the object name percent-encoded, '/' as %2F). */
    static final String OBJECT_PATH = "/download/storage/v1/b/dbre-policies/o/backup%2Fgold.yaml";

    private static final PolicyLocation LOCATION = PolicyLocation.parse("gs://dbre-policies/backup/gold.yaml");

    private final FakeHttpServer http = FakeHttpServer.start();
    private final AtomicInteger built = new AtomicInteger();
    private final GcsPolicyReader reader = new GcsPolicyReader(() -> {
        built.incrementAndGet();
        return storage(http);
    });

    /** A client for the fake: JSON API at its address, no credentials, one attempt per call. */
    static Storage storage(FakeHttpServer http) {
        return StorageOptions.http()
                .setHost(http.uri().toString())
                .setProjectId("dbre-prod")
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
                .build()
                .getService();
    }

    /** The media download of {@code path}. */
    static Predicate<Recorded> media(String path) {
        return r -> r.method().equals("GET")
                && r.path().equals(path)
                && "media".equals(r.queryParams().get("alt"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void read_downloadsTheObjectsBytes_withTheJsonApi() throws IOException {
        http.always(media(OBJECT_PATH), Reply.of(200, "application/x-yaml", "name: gold # ünïcode\n"));

        assertThat(built.get()).as("no client before the first read").isZero();
        assertThat(reader.read(LOCATION)).isEqualTo("name: gold # ünïcode\n");
        assertThat(reader.read(LOCATION)).isEqualTo("name: gold # ünïcode\n");

        assertThat(built.get()).isEqualTo(1);
        assertThat(http.requests(media(OBJECT_PATH))).hasSize(2);
    }

    @Test
    void missingObject_isNotFoundNamingTheLocation() {
        http.always(media(OBJECT_PATH), Reply.resource(404, "application/json", "gcs/error-404-object.json"));

        assertThatThrownBy(() -> reader.read(LOCATION))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("gs://dbre-policies/backup/gold.yaml not found")
                .hasMessageContaining("No such object");
    }

    @Test
    void forbidden_isAccessDeniedNamingTheRoleToGrant() {
        http.always(media(OBJECT_PATH), Reply.resource(403, "application/json", "gcs/error-403-forbidden.json"));

        assertThatThrownBy(() -> reader.read(LOCATION))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("gs://dbre-policies/backup/gold.yaml: access denied")
                .hasMessageContaining("roles/storage.objectViewer on bucket dbre-policies");
    }

    @Test
    void otherErrors_carryTheStatusAndTheServicesMessage() {
        http.always(media(OBJECT_PATH), Reply.resource(400, "application/json", "gcs/error-400-bad-request.json"));

        assertThatThrownBy(() -> reader.read(LOCATION))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "gs://dbre-policies/backup/gold.yaml: Cloud Storage error 400 The specified bucket is not valid.");
    }
}
