package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.PolicyStores.getObject;
import static dev.dbre.aws.backup.PolicyStores.object;
import static dev.dbre.aws.backup.PolicyStores.s3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.backup.PolicyLocation;
import dev.dbre.config.Lazy;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** S3PolicyReader through the real S3 client against S3-shaped answers on 127.0.0.1. */
class S3PolicyReaderTest {
    private static final PolicyLocation GOLD = PolicyLocation.parse("s3://dbre-config/policies/gold.yaml");

    private final FakeHttpServer http = FakeHttpServer.start();
    private final S3PolicyReader reader = new S3PolicyReader(Lazy.of(() -> PolicyStores.s3(http)));

    @AfterEach
    void stop() {
        http.close();
    }

    /** The reader as the wiring builds it: AWS_REGION, cross-Region access, standard retries. */
    private S3PolicyReader fromEnv() {
        return S3PolicyReader.of("us-east-1", http.uri(), FakeRds.CREDENTIALS);
    }

    @Test
    void found_returnsTheObjectsText_withOneSignedGetObject() throws IOException {
        http.always(getObject("dbre-config", "policies/gold.yaml"), object("name: gold\n"));

        assertThat(fromEnv().read(GOLD)).isEqualTo("name: gold\n");

        List<Recorded> sent = http.requests();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).header("authorization")).startsWith("AWS4-HMAC-SHA256");
        assertThat(PolicyStores.signedRegion(sent.get(0))).isEqualTo("us-east-1");
    }

    @Test
    void aBucketInAnotherRegion_isReadThereAfterS3sRedirect() throws IOException {
        http.always(
                r -> getObject("dbre-config", "policies/gold.yaml").test(r)
                        && "eu-west-1".equals(PolicyStores.signedRegion(r)),
                object("name: gold\n"));
        http.always(
                getObject("dbre-config", "policies/gold.yaml"),
                s3Error(
                                301,
                                "PermanentRedirect",
                                "The bucket you are attempting to access must be addressed using the specified endpoint.")
                        .withHeader("x-amz-bucket-region", "eu-west-1"));

        assertThat(fromEnv().read(GOLD)).isEqualTo("name: gold\n");

        assertThat(http.requests().stream().map(PolicyStores::signedRegion)).containsExactly("us-east-1", "eu-west-1");
    }

    @Test
    void aRedirectThatCannotBeFollowed_namesTheBucketsRegion() {
        http.always(
                getObject("dbre-config", "policies/gold.yaml"),
                s3Error(
                                301,
                                "PermanentRedirect",
                                "The bucket you are attempting to access must be addressed using the specified endpoint.")
                        .withHeader("x-amz-bucket-region", "eu-west-1"));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bucket dbre-config is in Region eu-west-1");
    }

    @Test
    void noSuchKey_namesTheBucketAndKey() {
        http.always(
                getObject("dbre-config", "policies/gold.yaml"),
                s3Error(404, "NoSuchKey", "The specified key does not exist."));

        assertThatThrownBy(() -> fromEnv().read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no such object")
                .hasMessageContaining("dbre-config")
                .hasMessageContaining("'policies/gold.yaml'")
                .hasMessageContaining("NoSuchKey");
    }

    @Test
    void noSuchBucket_namesTheBucket() {
        http.always(
                getObject("dbre-config", "policies/gold.yaml"),
                s3Error(404, "NoSuchBucket", "The specified bucket does not exist"));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no such bucket dbre-config");
    }

    @Test
    void accessDenied_namesTheActionAndTheObjectArn() {
        http.always(getObject("dbre-config", "policies/gold.yaml"), s3Error(403, "AccessDenied", "Access Denied"));

        assertThatThrownBy(() -> fromEnv().read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("access denied")
                .hasMessageContaining("s3:GetObject on arn:aws:s3:::dbre-config/policies/gold.yaml")
                .hasMessageContaining("kms:Decrypt");
    }

    @Test
    void throttling_saysSoAndNamesTheLocation() {
        http.always(
                getObject("dbre-config", "policies/gold.yaml"),
                s3Error(503, "SlowDown", "Please reduce your request rate."));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("throttling")
                .hasMessageContaining("s3://dbre-config/policies/gold.yaml");
    }

    @Test
    void anObjectOverOneMebibyte_isRefused() {
        http.always(getObject("dbre-config", "policies/gold.yaml"), object("#".repeat(S3PolicyReader.MAX_BYTES + 1)));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a backup policy");
    }

    @Test
    void noClientIsBuiltUntilTheFirstRead() {
        Lazy<software.amazon.awssdk.services.s3.S3Client> client = Lazy.of(() -> PolicyStores.s3(http));
        new S3PolicyReader(client);

        assertThat(client.isBuilt()).isFalse();
    }
}
