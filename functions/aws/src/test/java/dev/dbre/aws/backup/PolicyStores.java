package dev.dbre.aws.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * S3 (REST, path-style) and SSM Parameter Store (AWS JSON 1.1) as the real SDK clients see them, on
 * a {@link FakeHttpServer}: request matchers and replies shaped like the services' documented
 * responses (S3: the object's bytes, or an XML {@code <Error>}; SSM: {@code {"Parameter": {...}}}, or
 * {@code {"__type": ..., "message": ...}} with HTTP 400).
 */
final class PolicyStores {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");

    private PolicyStores() {}

    /** An S3 client of the fake (us-east-1, path-style, no retries: one request per call). */
    static S3Client s3(FakeHttpServer http) {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(http.uri())
                .forcePathStyle(true)
                .credentialsProvider(FakeRds.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** An SSM client of the fake (us-east-1, no retries). */
    static SsmClient ssm(FakeHttpServer http) {
        return SsmClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(http.uri())
                .credentialsProvider(FakeRds.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** GetObject of {@code bucket/key}, path-style. */
    static Predicate<Recorded> getObject(String bucket, String key) {
        return r -> "GET".equals(r.method()) && ("/" + bucket + "/" + key).equals(r.path());
    }

    /** A GetObject answer. */
    static Reply object(String text) {
        return Reply.of(200, "application/yaml", text)
                .withHeader("ETag", "\"" + Integer.toHexString(text.hashCode()) + "\"");
    }

    /** An S3 error document. */
    static Reply s3Error(int status, String code, String message) {
        return Reply.of(
                        status,
                        "application/xml",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                                + message
                                + "</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>")
                .withHeader("x-amz-request-id", "4442587FB7D0A2F9");
    }

    /** GetParameter of {@code name}. */
    static Predicate<Recorded> getParameter(String name) {
        return r -> "AmazonSSM.GetParameter".equals(r.header("x-amz-target"))
                && name.equals(body(r).path("Name").asText());
    }

    /** A GetParameter answer. */
    static Reply parameter(String name, String type, String value) {
        var p = JSON.createObjectNode();
        p.putObject("Parameter")
                .put("Name", name)
                .put("Type", type)
                .put("Value", value)
                .put("Version", 3)
                .put("LastModifiedDate", 1.7951364E9)
                .put("ARN", "arn:aws:ssm:us-east-1:123456789012:parameter" + name)
                .put("DataType", "text");
        return Reply.of(200, "application/x-amz-json-1.1", p.toString());
    }

    /** An SSM error (JSON 1.1: HTTP 400 with {@code __type}). */
    static Reply ssmError(String type, String message) {
        return Reply.of(
                400,
                "application/x-amz-json-1.1",
                JSON.createObjectNode()
                        .put("__type", type)
                        .put("message", message)
                        .toString());
    }

    static JsonNode body(Recorded r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Region a request was signed for. */
    static String signedRegion(Recorded r) {
        Matcher m = SCOPE.matcher(r.header("authorization"));
        return m.find() ? m.group(1) : null;
    }
}
