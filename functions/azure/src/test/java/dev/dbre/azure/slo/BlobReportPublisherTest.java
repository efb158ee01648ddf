package dev.dbre.azure.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BlobReportPublisher through the real azure-storage-blob client against Blob-REST-shaped answers on
 * 127.0.0.1 (Put Blob: 201; errors: the {@code <Error><Code>} XML and {@code x-ms-error-code}).
 */
class BlobReportPublisherTest {
    static final String ACCOUNT = "https://dbrereports.blob.core.windows.net";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final BlobReportPublisher publisher = new BlobReportPublisher(
            () -> new BlobServiceClientBuilder()
                    .endpoint(ACCOUNT)
                    .pipeline(toLocal(http))
                    .buildClient()
                    .getBlobContainerClient("reports"),
            ACCOUNT + "/reports",
            "slo/");

    @AfterEach
    void stop() {
        http.close();
    }

    /** A pipeline that moves each request to the fake and signs it with a fixed bearer token. */
    static HttpPipeline toLocal(FakeHttpServer http) {
        URI local = http.uri();
        return new HttpPipelineBuilder()
                .policies((context, next) -> {
                    var request = context.getHttpRequest();
                    try {
                        URI u = request.getUrl().toURI();
                        request.setUrl(
                                new URI("http", null, local.getHost(), local.getPort(), u.getPath(), u.getQuery(), null)
                                        .toURL());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    request.setHeader(HttpHeaderName.AUTHORIZATION, "Bearer blob-test-token-not-a-secret");
                    return next.process();
                })
                .build();
    }

    @Test
    void putsABlockBlob_underThePrefix_withItsContentType() throws IOException {
        http.always(
                r -> r.method().equals("PUT"),
                Reply.of(201, null, null)
                        .withHeader("ETag", "\"0x8DCF1A2B3C4D5E6\"")
                        .withHeader("Last-Modified", "Sun, 01 Mar 2026 00:00:01 GMT")
                        .withHeader("x-ms-request-server-encrypted", "true")
                        .withHeader("x-ms-version", "2025-01-05"));

        String where = publisher.publish(
                "latest/slo-report.md", "text/markdown; charset=utf-8", "# SLO".getBytes(StandardCharsets.UTF_8));

        assertThat(where).isEqualTo(ACCOUNT + "/reports/slo/latest/slo-report.md");
        assertThat(http.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/reports/slo/latest/slo-report.md");
            assertThat(r.header("x-ms-blob-type")).isEqualTo("BlockBlob");
            assertThat(r.header("x-ms-blob-content-type")).isEqualTo("text/markdown; charset=utf-8");
            assertThat(r.body()).isEqualTo("# SLO");
        });
    }

    @Test
    void forbidden_namesTheBlobAndTheRole() {
        http.always(
                r -> true,
                Reply.of(
                                403,
                                "application/xml",
                                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch"
                                        + "</Code><Message>This request is not authorized.</Message></Error>")
                        .withHeader("x-ms-error-code", "AuthorizationPermissionMismatch"));

        assertThatThrownBy(() -> publisher.publish("latest/slo-report.json", "application/json", new byte[] {'{', '}'}))
                .isInstanceOf(IOException.class)
                .hasMessage("could not write blob " + ACCOUNT + "/reports/slo/latest/slo-report.json:"
                        + " AuthorizationPermissionMismatch (HTTP 403): grant the function's managed identity the"
                        + " Storage Blob Data Contributor role on the container");
    }
}
