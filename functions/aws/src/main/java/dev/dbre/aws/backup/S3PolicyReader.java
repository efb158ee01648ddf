package dev.dbre.aws.backup;

import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.config.Lazy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads a backup policy from an S3 object ({@code s3://bucket/key}) with GetObject. The client is
 * built on first use, in {@code AWS_REGION}, with S3 cross-Region access on: a bucket in another
 * Region is found from S3's redirect ({@code x-amz-bucket-region}) and read there, which needs
 * {@code s3:GetObject} only (the SDK's fallback probe, HeadBucket, needs {@code s3:ListBucket}).
 *
 * <p>Errors name the location and what to do: no such bucket or key, access denied (with the IAM
 * action: {@code s3:GetObject} on {@code arn:aws:s3:::bucket/key}, {@code kms:Decrypt} for an object
 * encrypted with a customer managed key), the bucket's Region when the redirect could not be
 * followed, throttling. Never a credential.
 */
public final class S3PolicyReader implements PolicyReader {
    /**
     * Optional S3 endpoint URL (LocalStack, a proxy); requests to it are addressed path-style
     * ({@code endpoint/bucket/key}).
     */
    public static final String ENDPOINT = "DBRE_S3_ENDPOINT";

    /** A policy is a few kilobytes; anything this big is the wrong object. */
    static final int MAX_BYTES = 1 << 20;

    private final Supplier<S3Client> client;

    /** @param client the S3 client, asked for on the first read (pass a {@link Lazy}) */
    public S3PolicyReader(Supplier<S3Client> client) {
        this.client = client;
    }

    /**
     * A reader whose client is built on first use, in {@code region}, at {@code endpoint} (null: the
     * SDK's; else path-style), with the JDK's HTTP client.
     */
    public static S3PolicyReader of(String region, URI endpoint, AwsCredentialsProvider credentials) {
        return new S3PolicyReader(Lazy.of(() -> client(region, endpoint, credentials)));
    }

    private static S3Client client(String region, URI endpoint, AwsCredentialsProvider credentials) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .crossRegionAccessEnabled(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        if (endpoint != null) {
            b.endpointOverride(endpoint).forcePathStyle(true);
        }
        return b.build();
    }

    /**
     * @throws IOException naming the location: no such bucket or key, access denied (with the IAM
     *     action needed), the bucket's Region, throttling, an object over 1 MiB, or S3 unreachable
     */
    @Override
    public String read(PolicyLocation location) throws IOException {
        if (location.kind() != PolicyLocation.Kind.S3) {
            throw new IllegalArgumentException("not an S3 location: " + location);
        }
        String bucket = location.container();
        String key = location.name();
        try (ResponseInputStream<GetObjectResponse> in =
                client.get().getObject(b -> b.bucket(bucket).key(key))) {
            return new String(readCapped(in, location), StandardCharsets.UTF_8);
        } catch (SdkException e) {
            throw new IOException(describe(e, location), e);
        }
    }

    private static byte[] readCapped(InputStream in, PolicyLocation location) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new IOException(location + " is over " + MAX_BYTES + " bytes: not a backup policy");
        }
        return bytes;
    }

    static String describe(SdkException e, PolicyLocation location) {
        String bucket = location.container();
        if (e instanceof AwsServiceException s) {
            String code =
                    s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            int status = s.statusCode();
            String what = (code == null ? "HTTP " + status : code + " (HTTP " + status + ")");
            if ("NoSuchKey".equals(code) || status == 404 && code == null) {
                return "no such object: bucket " + bucket + " has no key '" + location.name() + "' (" + what + ")";
            }
            if ("NoSuchBucket".equals(code)) {
                return "no such bucket " + bucket + " (" + what + ")";
            }
            if (status == 403) {
                return "access denied (" + what + "): the function's role needs s3:GetObject on arn:aws:s3:::"
                        + bucket + "/" + location.name()
                        + " (and kms:Decrypt on the bucket's KMS key if it uses SSE-KMS with a customer managed key;"
                        + " without s3:ListBucket S3 also answers 403 for a key that does not exist)";
            }
            if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
                String region = s.awsErrorDetails() == null
                        ? null
                        : s.awsErrorDetails()
                                .sdkHttpResponse()
                                .firstMatchingHeader("x-amz-bucket-region")
                                .orElse(null);
                return "bucket " + bucket + " is in "
                        + (region == null ? "another Region" : "Region " + region)
                        + ", not this function's; the redirect could not be followed (" + what + ")";
            }
            if (s.isThrottlingException() || status == 503) {
                return "S3 is throttling GetObject of " + location + " (" + what + "); the next run reads it again";
            }
            return "S3 GetObject of " + location + " failed: " + what;
        }
        if (e instanceof SdkClientException) {
            return "could not reach S3 to read " + location + ": " + e.getMessage();
        }
        return "S3 GetObject of " + location + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return "S3PolicyReader";
    }
}
