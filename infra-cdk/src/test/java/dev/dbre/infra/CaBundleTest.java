package dev.dbre.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

/** The deploy step's check of the downloaded RDS CA bundle, on bundles the test makes. */
class CaBundleTest {
    private static Path dir;
    private static Path bundle;

    @BeforeAll
    static void makeBundle() {
        dir = TestFiles.tmp("ca");
        bundle = TestFiles.rdsBundle(dir);
    }

    @Test
    void rdsRootCas_pass() {
        assertThat(CaBundle.check(bundle, Instant.now())).hasSize(2);
    }

    @Test
    void anHtmlErrorPage_isRefused() throws Exception {
        Path page = Files.writeString(dir.resolve("error.html"), "<html><body>503 Service Unavailable</body></html>");
        assertThatThrownBy(() -> CaBundle.check(page, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("error.html")
                .hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void aTruncatedCertificate_isRefused() throws Exception {
        String pem = Files.readString(bundle);
        String cut = pem.substring(0, pem.indexOf("-----END")).substring(0, 120) + "\n-----END CERTIFICATE-----\n";
        Path file = Files.writeString(dir.resolve("cut.pem"), cut);
        assertThatThrownBy(() -> CaBundle.check(file, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("certificate 1 cannot be parsed");
    }

    @Test
    void aServerCertificate_isRefused() {
        Path leaf = TestFiles.certificate(dir, "leaf.pem", "CN=db.example.com, OU=Amazon RDS", false);
        assertThatThrownBy(() -> CaBundle.check(leaf, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a CA certificate");
    }

    @Test
    void aPrivateKeyBlock_isRefused() throws Exception {
        Path file = Files.writeString(
                dir.resolve("key.pem"),
                Files.readString(bundle) + "-----BEGIN PRIVATE KEY-----\nMAo=\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> CaBundle.check(file, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PEM block 3 is a PRIVATE KEY");
    }

    @Test
    void anotherCa_orOneExpired_isRefused() {
        Path other = TestFiles.certificate(dir, "other.pem", "CN=Some Other Root, O=Example", true);
        assertThatThrownBy(() -> CaBundle.check(other, Instant.now()))
                .hasMessageContaining("none of its 1 certificates is an Amazon RDS CA valid now");
        // The test CAs are valid for 10 years from today.
        assertThatThrownBy(() -> CaBundle.check(bundle, Instant.now().plus(4000, ChronoUnit.DAYS)))
                .hasMessageContaining("valid now");
    }

    @Test
    void aBadBundle_stopsTheSynthesis() throws Exception {
        Path page = Files.writeString(dir.resolve("bad.pem"), "not a bundle");
        assertThatThrownBy(() -> new DbreStack(
                        new App(),
                        DbreConfig.load(Path.of("src/test/resources/minimal.json")),
                        new DbreStack.Artifacts(TestFiles.lambdaJar(dir), page, dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RDS CA bundle");
    }
}
