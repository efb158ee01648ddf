package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PolicyLocationTest {
    @Test
    void plainPathAndFileUri_areFiles() {
        assertThat(PolicyLocation.parse("/var/task/policy.yaml"))
                .isEqualTo(new PolicyLocation(
                        PolicyLocation.Kind.FILE, null, "/var/task/policy.yaml", "/var/task/policy.yaml"));
        assertThat(PolicyLocation.parse("policy.yaml").kind()).isEqualTo(PolicyLocation.Kind.FILE);
        PolicyLocation uri = PolicyLocation.parse("file:/etc/dbre/gold.yaml");
        assertThat(uri.kind()).isEqualTo(PolicyLocation.Kind.FILE);
        assertThat(uri.name()).isEqualTo("/etc/dbre/gold.yaml");
    }

    @Test
    void s3AndGs_splitBucketAndKey() {
        PolicyLocation s3 = PolicyLocation.parse("s3://dbre-config/policies/gold.yaml");
        assertThat(s3.kind()).isEqualTo(PolicyLocation.Kind.S3);
        assertThat(s3.container()).isEqualTo("dbre-config");
        assertThat(s3.name()).isEqualTo("policies/gold.yaml");
        PolicyLocation gs = PolicyLocation.parse("gs://my_bucket/gold.json");
        assertThat(gs.kind()).isEqualTo(PolicyLocation.Kind.GCS);
        assertThat(gs.container()).isEqualTo("my_bucket");
        assertThat(gs.name()).isEqualTo("gold.json");
    }

    @Test
    void ssm_keepsTheParameterNameAsWritten() {
        assertThat(PolicyLocation.parse("ssm:/dbre/backup/gold").name()).isEqualTo("/dbre/backup/gold");
        assertThat(PolicyLocation.parse("ssm:gold-policy").name()).isEqualTo("gold-policy");
    }

    @Test
    void blobUrl_splitsContainerUrlAndBlobName() {
        PolicyLocation b = PolicyLocation.parse("https://dbreconfig.blob.core.windows.net/policies/prod/gold.yaml");
        assertThat(b.kind()).isEqualTo(PolicyLocation.Kind.AZURE_BLOB);
        assertThat(b.container()).isEqualTo("https://dbreconfig.blob.core.windows.net/policies");
        assertThat(b.name()).isEqualTo("prod/gold.yaml");
    }

    @Test
    void malformedLocations_areRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> PolicyLocation.parse("s3://bucket-only"))
                .hasMessageContaining("names no object")
                .hasMessageContaining("s3://bucket/key");
        assertThatThrownBy(() -> PolicyLocation.parse("s3://Bad_Bucket!/k")).hasMessageContaining("not a bucket name");
        assertThatThrownBy(() -> PolicyLocation.parse("ssm:/a b")).hasMessageContaining("not an SSM parameter");
        assertThatThrownBy(() -> PolicyLocation.parse("http://x.blob.core.windows.net/c/b"))
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> PolicyLocation.parse("https://example.com/c/b"))
                .hasMessageContaining("must be an Azure blob");
        assertThatThrownBy(() -> PolicyLocation.parse("ftp://host/file")).hasMessageContaining("unknown scheme");
        assertThatThrownBy(() -> PolicyLocation.parse("  ")).hasMessageContaining("is empty");
    }

    @Test
    void blobUrlWithSasToken_isRefusedWithoutEchoingTheToken() {
        assertThatThrownBy(() -> PolicyLocation.parse(
                        "https://acct1.blob.core.windows.net/c/gold.yaml?sv=2024&sig=SECRETSIGNATURE"))
                .hasMessageContaining("no query (SAS token)")
                .hasMessageNotContaining("SECRETSIGNATURE");
    }
}
