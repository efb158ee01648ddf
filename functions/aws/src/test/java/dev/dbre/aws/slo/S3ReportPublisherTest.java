package dev.dbre.aws.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.aws.backup.FakeRds;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** S3ReportPublisher through the real S3 client against S3-shaped answers on 127.0.0.1. */
class S3ReportPublisherTest {
    private final FakeHttpServer http = FakeHttpServer.start();
    private final S3ReportPublisher publisher =
            S3ReportPublisher.of("eu-west-1", http.uri(), FakeRds.CREDENTIALS, "dbre-reports", "slo/");

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void putsTheFileUnderThePrefix_signed_withItsTypeAndServerSideEncryption() throws IOException {
        http.always(r -> r.method().equals("PUT"), Reply.of(200, null, null).withHeader("ETag", "\"abc\""));

        String where = publisher.publish(
                "20260301T000000Z/slo-report.html",
                "text/html; charset=utf-8",
                "<html>".getBytes(StandardCharsets.UTF_8));

        assertThat(where).isEqualTo("s3://dbre-reports/slo/20260301T000000Z/slo-report.html");
        assertThat(http.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/dbre-reports/slo/20260301T000000Z/slo-report.html");
            assertThat(r.header("x-amz-server-side-encryption")).isEqualTo("AES256");
            assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(r.header("authorization")).startsWith("AWS4-HMAC-SHA256").contains("/eu-west-1/s3/");
            assertThat(r.body()).contains("<html>");
        });
    }

    @Test
    void accessDenied_namesTheObjectAndTheIamAction() {
        http.always(
                r -> true,
                Reply.of(
                        403,
                        "application/xml",
                        "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"));

        assertThatThrownBy(() -> publisher.publish("latest/slo-report.json", "application/json", new byte[] {'{', '}'}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("S3 PutObject of s3://dbre-reports/slo/latest/slo-report.json failed:"
                        + " AccessDenied (HTTP 403): the function's role needs s3:PutObject on"
                        + " arn:aws:s3:::dbre-reports/slo/*");
    }
}
