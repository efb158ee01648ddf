package dev.dbre.azure.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BlobPolicyReader through the real azure-storage-blob client against Blob-REST-shaped answers on
 * 127.0.0.1 (Get Blob: the body with x-ms-* headers; errors: the {@code <Error><Code>} XML and
 * {@code x-ms-error-code}).
 */
public class BlobPolicyReaderTest {
    static final String ACCOUNT = "https://dbrepolicies.blob.core.windows.net";
    static final String TOKEN = "blob-test-token-not-a-secret";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final BlobPolicyReader reader = reader(http);

    @AfterEach
    void stop() {
        http.close();
    }

    /**
     * A reader whose client sends to {@code http} instead of the account: the SDK refuses bearer
     * tokens over plain http, so this pipeline puts a fixed token on and moves the request to
     * 127.0.0.1 (no retries: an error is answered at once).
     */
    public static BlobPolicyReader reader(FakeHttpServer http) {
        URI local = http.uri();
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .policies((context, next) -> {
                    var request = context.getHttpRequest();
                    try {
                        URI u = request.getUrl().toURI();
                        request.setUrl(
                                new URI("http", null, local.getHost(), local.getPort(), u.getPath(), u.getQuery(), null)
                                        .toURL());
                    } catch (URISyntaxException | MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                    request.setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + TOKEN);
                    return next.process();
                })
                .build();
        return new BlobPolicyReader(() -> new BlobServiceClientBuilder().pipeline(pipeline));
    }

    static Predicate<Recorded> getBlob(String path) {
        return r -> r.method().equals("GET") && r.path().equals(path);
    }

    /** A Get Blob answer as the Blob service sends it. */
    public static Reply blob(String text) {
        return Reply.of(200, "application/x-yaml", text)
                .withHeader("ETag", "\"0x8DCF1A2B3C4D5E6\"")
                .withHeader("Last-Modified", "Mon, 23 Nov 2026 22:58:01 GMT")
                .withHeader("x-ms-blob-type", "BlockBlob")
                .withHeader("x-ms-version", "2025-01-05")
                .withHeader("x-ms-request-id", "5b4c1e0a-401e-0071-1f4e-3e1e8a000000")
                .withHeader("x-ms-creation-time", "Fri, 20 Nov 2026 09:00:00 GMT")
                .withHeader("x-ms-lease-status", "unlocked")
                .withHeader("x-ms-lease-state", "available")
                .withHeader("x-ms-server-encrypted", "true")
                .withHeader("Accept-Ranges", "bytes");
    }

    /** A Blob service error: status, x-ms-error-code and the XML body. */
    static Reply error(int status, String code, String message) {
        return Reply.of(
                        status,
                        "application/xml",
                        "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>"
                                + message + "\nRequestId:5b4c1e0a-401e-0071-1f4e-3e1e8a000000\n"
                                + "Time:2026-11-23T23:00:05.1234567Z</Message></Error>")
                .withHeader("x-ms-error-code", code)
                .withHeader("x-ms-version", "2025-01-05")
                .withHeader("x-ms-request-id", "5b4c1e0a-401e-0071-1f4e-3e1e8a000000");
    }

    static PolicyLocation location(String path) {
        return PolicyLocation.parse(ACCOUNT + path);
    }

    @Test
    void read_getsTheBlobOfTheContainer_asTheIdentity() throws IOException {
        http.once(getBlob("/policies/prod/gold.yaml"), blob("name: gold\n"));

        String text = reader.read(location("/policies/prod/gold.yaml"));

        assertThat(text).isEqualTo("name: gold\n");
        Recorded get = http.requests().get(0);
        assertThat(get.header("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(get.header("x-ms-version")).isNotBlank();
    }

    @Test
    void read_missingBlob_namesTheLocation() {
        http.once(getBlob("/policies/gold.yaml"), error(404, "BlobNotFound", "The specified blob does not exist."));

        assertThatThrownBy(() -> reader.read(location("/policies/gold.yaml")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(ACCOUNT + "/policies/gold.yaml")
                .hasMessageContaining("not found (BlobNotFound)");
    }

    @Test
    void read_missingContainer_saysSo() {
        http.once(
                getBlob("/nope/gold.yaml"), error(404, "ContainerNotFound", "The specified container does not exist."));

        assertThatThrownBy(() -> reader.read(location("/nope/gold.yaml")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("container of blob " + ACCOUNT + "/nope/gold.yaml not found (ContainerNotFound)");
    }

    @Test
    void read_accessDenied_namesTheRoleTheIdentityNeeds() {
        http.once(
                getBlob("/policies/gold.yaml"),
                error(
                        403,
                        "AuthorizationPermissionMismatch",
                        "This request is not authorized to perform this operation using this permission."));

        assertThatThrownBy(() -> reader.read(location("/policies/gold.yaml")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(ACCOUNT + "/policies/gold.yaml")
                .hasMessageContaining("AuthorizationPermissionMismatch")
                .hasMessageContaining("Storage Blob Data Reader");
    }

    @Test
    void read_otherError_givesStatusAndCode_andNoToken() {
        http.once(
                getBlob("/policies/gold.yaml"),
                error(500, "InternalError", "The server encountered an internal error. Please retry the request."));

        assertThatThrownBy(() -> reader.read(location("/policies/gold.yaml")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 500, InternalError")
                .hasMessageContaining(ACCOUNT + "/policies/gold.yaml")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void read_refusesAnythingButABlob() {
        assertThatThrownBy(() -> reader.read(PolicyLocation.parse("s3://bucket/gold.yaml")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an Azure blob");
        assertThat(http.requests()).isEmpty();
    }
}
