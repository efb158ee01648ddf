package dev.dbre.aws.slo;

import dev.dbre.config.Lazy;
import dev.dbre.port.AlertNotifier;
import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes alert notices to an SNS topic: the subject for e-mail subscribers, the notice's JSON as
 * the message, and a {@code type} attribute ({@code dbre.slo.alerts}) subscribers can filter on.
 * The client is built in the topic's Region. Needs {@code sns:Publish} on the topic (and {@code
 * kms:GenerateDataKey}/{@code kms:Decrypt} on its key if the topic is encrypted).
 */
public final class SnsNotifier implements AlertNotifier {
    private final Supplier<SnsClient> client;
    private final String topicArn;

    public SnsNotifier(Supplier<SnsClient> client, String topicArn) {
        this.client = client;
        this.topicArn = topicArn;
    }

    /** A notifier whose client is built on first use in the topic's Region, at {@code endpoint} (null: the SDK's). */
    public static SnsNotifier of(String topicArn, URI endpoint, AwsCredentialsProvider credentials) {
        String region = topicArn.split(":")[3];
        return new SnsNotifier(
                Lazy.of(() -> {
                    SnsClientBuilder b = SnsClient.builder()
                            .region(Region.of(region))
                            .credentialsProvider(credentials)
                            .httpClientBuilder(UrlConnectionHttpClient.builder());
                    if (endpoint != null) {
                        b.endpointOverride(endpoint);
                    }
                    return b.build();
                }),
                topicArn);
    }

    /** @throws IOException naming the topic: access denied (with the IAM action), no such topic, SNS unreachable */
    @Override
    public void send(AlertNotice notice) throws IOException {
        try {
            client.get()
                    .publish(b -> b.topicArn(topicArn)
                            .subject(notice.subject())
                            .message(notice.json())
                            .messageAttributes(java.util.Map.of(
                                    "type",
                                    MessageAttributeValue.builder()
                                            .dataType("String")
                                            .stringValue("dbre.slo.alerts")
                                            .build())));
        } catch (AwsServiceException e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String what = (code == null ? "" : code + " ") + "(HTTP " + e.statusCode() + ")";
            String hint = e.statusCode() == 403 || "AuthorizationError".equals(code)
                    ? ": the function's role needs sns:Publish on " + topicArn
                    : "NotFound".equals(code) ? ": no such topic" : "";
            throw new IOException("SNS Publish to " + topicArn + " failed: " + what + hint, e);
        } catch (SdkException e) {
            throw new IOException("could not reach SNS to publish to " + topicArn + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SnsNotifier[" + topicArn + "]";
    }
}
