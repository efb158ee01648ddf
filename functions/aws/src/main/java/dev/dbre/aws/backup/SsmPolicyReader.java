package dev.dbre.aws.backup;

import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.config.Lazy;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;

/**
 * Reads a backup policy from an SSM Parameter Store parameter ({@code ssm:/name}) with GetParameter
 * and {@code WithDecryption=true}, so String and SecureString parameters both work. The client is
 * built on first use, in {@code AWS_REGION} (a parameter lives in one Region: the function's).
 *
 * <p>Errors name the parameter and what to do: not found, access denied ({@code ssm:GetParameter} on
 * the parameter, {@code kms:Decrypt} on the key of a SecureString), an unusable KMS key,
 * throttling. Never the parameter's value.
 */
public final class SsmPolicyReader implements PolicyReader {
    /** Optional SSM endpoint URL (an interface VPC endpoint without private DNS, LocalStack). */
    public static final String ENDPOINT = "DBRE_SSM_ENDPOINT";

    private final Supplier<SsmClient> client;
    private final String region;

    /**
     * @param client the SSM client, asked for on the first read (pass a {@link Lazy})
     * @param region the client's Region (for messages)
     */
    public SsmPolicyReader(Supplier<SsmClient> client, String region) {
        this.client = client;
        this.region = region;
    }

    /** A reader whose client is built on first use, in {@code region}, at {@code endpoint} (null: the SDK's). */
    public static SsmPolicyReader of(String region, URI endpoint, AwsCredentialsProvider credentials) {
        return new SsmPolicyReader(
                Lazy.of(() -> {
                    SsmClientBuilder b = SsmClient.builder()
                            .region(Region.of(region))
                            .credentialsProvider(credentials)
                            .httpClientBuilder(UrlConnectionHttpClient.builder());
                    if (endpoint != null) {
                        b.endpointOverride(endpoint);
                    }
                    return b.build();
                }),
                region);
    }

    /**
     * @throws IOException naming the parameter: not found, access denied (with the IAM actions
     *     needed), an unusable KMS key, throttling, or SSM unreachable
     */
    @Override
    public String read(PolicyLocation location) throws IOException {
        if (location.kind() != PolicyLocation.Kind.SSM) {
            throw new IllegalArgumentException("not an SSM location: " + location);
        }
        String name = location.name();
        try {
            return client.get()
                    .getParameter(b -> b.name(name).withDecryption(true))
                    .parameter()
                    .value();
        } catch (SdkException e) {
            throw new IOException(describe(e, name), e);
        }
    }

    private String describe(SdkException e, String name) {
        if (e instanceof AwsServiceException s) {
            String code =
                    s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String what = (code == null ? "" : code + ", ") + "HTTP " + s.statusCode();
            String message =
                    s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            boolean kms = message != null && message.toLowerCase(Locale.ROOT).contains("kms");
            if ("ParameterNotFound".equals(code)) {
                return "no such parameter " + name + " in " + region + " (" + what + ")";
            }
            if ("AccessDeniedException".equals(code) || s.statusCode() == 403) {
                return "access denied (" + what + "): the function's role needs "
                        + (kms
                                ? "kms:Decrypt on the KMS key of this SecureString (and ssm:GetParameter)"
                                : "ssm:GetParameter on arn:aws:ssm:" + region + ":<account>:parameter"
                                        + (name.startsWith("/") ? name : "/" + name)
                                        + " (and kms:Decrypt on its KMS key if it is a SecureString)");
            }
            if ("InvalidKeyId".equals(code)) {
                return "the KMS key of SecureString " + name + " cannot be used (" + what
                        + "): it is disabled, deleted or not found";
            }
            if (s.isThrottlingException()) {
                return "SSM is throttling GetParameter of " + name + " (" + what + "); the next run reads it again";
            }
            return "SSM GetParameter of " + name + " failed (" + what + ")";
        }
        if (e instanceof SdkClientException) {
            return "could not reach SSM in " + region + " to read " + name + ": " + e.getMessage();
        }
        return "SSM GetParameter of " + name + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return "SsmPolicyReader[" + region + "]";
    }
}
