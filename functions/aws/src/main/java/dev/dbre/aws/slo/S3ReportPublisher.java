package dev.dbre.aws.slo;

import dev.dbre.config.Lazy;
import dev.dbre.port.ReportPublisher;
import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Writes report files to {@code s3://bucket/prefix} with PutObject, each encrypted at rest by S3
 * ({@code x-amz-server-side-encryption: AES256}; a bucket whose default is SSE-KMS applies its key
 * instead only when no header is sent, so a bucket policy that requires SSE-KMS refuses these
 * writes: the error says so). Needs {@code s3:PutObject} on {@code arn:aws:s3:::bucket/prefix*}.
 */
public final class S3ReportPublisher implements ReportPublisher {
    private final Supplier<S3Client> client;
    private final String bucket;
    private final String prefix;

    /** @param prefix "" or ending in {@code /} */
    public S3ReportPublisher(Supplier<S3Client> client, String bucket, String prefix) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** A publisher whose client is built on first use, in {@code region}, at {@code endpoint} (null: the SDK's). */
    public static S3ReportPublisher of(
            String region, URI endpoint, AwsCredentialsProvider credentials, String bucket, String prefix) {
        return new S3ReportPublisher(
                Lazy.of(() -> {
                    S3ClientBuilder b = S3Client.builder()
                            .region(Region.of(region))
                            .credentialsProvider(credentials)
                            .httpClientBuilder(UrlConnectionHttpClient.builder());
                    if (endpoint != null) {
                        b.endpointOverride(endpoint).forcePathStyle(true);
                    }
                    return b.build();
                }),
                bucket,
                prefix);
    }

    /** @throws IOException naming the object: access denied (with the IAM action), no such bucket, S3 unreachable */
    @Override
    public String publish(String name, String contentType, byte[] content) throws IOException {
        String key = prefix + name;
        String where = "s3://" + bucket + "/" + key;
        try {
            client.get()
                    .putObject(
                            b -> b.bucket(bucket)
                                    .key(key)
                                    .contentType(contentType)
                                    .serverSideEncryption(ServerSideEncryption.AES256),
                            RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw new IOException("S3 PutObject of " + where + " failed: " + describe(e), e);
        }
        return where;
    }

    private String describe(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code =
                    s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String what = code == null ? "HTTP " + s.statusCode() : code + " (HTTP " + s.statusCode() + ")";
            if (s.statusCode() == 403) {
                return what + ": the function's role needs s3:PutObject on arn:aws:s3:::" + bucket + "/" + prefix
                        + "* (and a bucket policy that accepts SSE-S3, AES256)";
            }
            if ("NoSuchBucket".equals(code)) {
                return what + ": no such bucket " + bucket;
            }
            return what;
        }
        return "could not reach S3: " + e.getMessage();
    }

    @Override
    public String toString() {
        return "S3ReportPublisher[s3://" + bucket + "/" + prefix + "]";
    }
}
