package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.PolicyStores.getParameter;
import static dev.dbre.aws.backup.PolicyStores.parameter;
import static dev.dbre.aws.backup.PolicyStores.ssmError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.backup.PolicyLocation;
import dev.dbre.config.Lazy;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SsmPolicyReader through the real SSM client against Parameter Store-shaped answers on 127.0.0.1. */
class SsmPolicyReaderTest {
    private static final String NAME = "/dbre/backup-policy/gold";
    private static final PolicyLocation GOLD = PolicyLocation.parse("ssm:" + NAME);

    private final FakeHttpServer http = FakeHttpServer.start();
    private final SsmPolicyReader reader = new SsmPolicyReader(Lazy.of(() -> PolicyStores.ssm(http)), "us-east-1");

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void aSecureString_isReadDecrypted() throws IOException {
        http.always(getParameter(NAME), parameter(NAME, "SecureString", "name: gold\n"));
        SsmPolicyReader production = SsmPolicyReader.of("us-east-1", http.uri(), FakeRds.CREDENTIALS);

        assertThat(production.read(GOLD)).isEqualTo("name: gold\n");

        Recorded sent = http.requests().get(0);
        assertThat(sent.header("x-amz-target")).isEqualTo("AmazonSSM.GetParameter");
        assertThat(sent.header("content-type")).startsWith("application/x-amz-json-1.1");
        assertThat(PolicyStores.body(sent).path("WithDecryption").asBoolean()).isTrue();
        assertThat(PolicyStores.signedRegion(sent)).isEqualTo("us-east-1");
    }

    @Test
    void notFound_namesTheParameterAndRegion() {
        http.always(getParameter(NAME), ssmError("ParameterNotFound", "Parameter " + NAME + " not found."));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no such parameter " + NAME + " in us-east-1");
    }

    @Test
    void accessDenied_namesSsmGetParameterOnTheParametersArn() {
        http.always(
                getParameter(NAME),
                ssmError(
                        "AccessDeniedException",
                        "User: arn:aws:sts::123456789012:assumed-role/dbre-snapshot/dbre-snapshot is not authorized to"
                                + " perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter"
                                + NAME + " because no identity-based policy allows the ssm:GetParameter action"));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("access denied")
                .hasMessageContaining("ssm:GetParameter on arn:aws:ssm:us-east-1:<account>:parameter" + NAME);
    }

    @Test
    void aSecureStringWhoseKeyIsDenied_namesKmsDecrypt() {
        http.always(
                getParameter(NAME),
                ssmError(
                        "AccessDeniedException",
                        "User: arn:aws:sts::123456789012:assumed-role/dbre-snapshot/dbre-snapshot is not authorized to"
                                + " perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/"
                                + "1234abcd-12ab-34cd-56ef-1234567890ab"));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("kms:Decrypt on the KMS key of this SecureString");
    }

    @Test
    void throttling_saysSoAndNamesTheParameter() {
        http.always(getParameter(NAME), ssmError("ThrottlingException", "Rate exceeded"));

        assertThatThrownBy(() -> reader.read(GOLD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("throttling")
                .hasMessageContaining(NAME);
    }
}
