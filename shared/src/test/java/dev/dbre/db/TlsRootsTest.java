package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRootsTest {
    private static DbSettings settings(String sslMode, String root) {
        return new DbSettings("db.example", 5432, "postgres", "app", DbAuth.IAM, null, sslMode, root);
    }

    @Test
    void verifyFull_withoutAnyRoot_failsNamingTheVariable() {
        assertThatThrownBy(() -> TlsRoots.resolve(settings("verify-full", null), null))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbSettings.SSLROOTCERT));
    }

    @Test
    void verifyCa_missingFile_failsNamingTheVariableAndTheFile() {
        assertThatThrownBy(() -> TlsRoots.resolve(settings("verify-ca", "/nonexistent/global-bundle.pem"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(DbSettings.SSLROOTCERT)
                .hasMessageContaining("/nonexistent/global-bundle.pem");
    }

    @Test
    void verifyFull_fileWithoutCertificate_failsNamingTheVariable(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("bundle.pem"), "not a certificate\n");

        assertThatThrownBy(() -> TlsRoots.resolve(settings("verify-full", notPem.toString()), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(DbSettings.SSLROOTCERT);
    }

    @Test
    void providerDefault_isUsedWhenTheVariableIsUnset() {
        assertThat(TlsRoots.resolve(settings("verify-full", null), DbSettings.SYSTEM_ROOTS)
                        .sslRootCert())
                .isEqualTo(DbSettings.SYSTEM_ROOTS);
    }

    @Test
    void require_needsNoRoot() {
        assertThat(TlsRoots.resolve(settings("require", null), null).sslRootCert())
                .isNull();
    }

    @Test
    void systemRoots_selectJavasTrustStoreInTheDriverProperties() {
        var p = PasswordConnectionFactory.properties(settings("verify-full", DbSettings.SYSTEM_ROOTS), "app", null);

        assertThat(p.getProperty("sslfactory")).isEqualTo("org.postgresql.ssl.DefaultJavaSSLFactory");
        assertThat(p.getProperty("sslrootcert")).isNull();
        assertThat(p.getProperty("sslmode")).isEqualTo("verify-full");
    }

    /** Azure's default ('system') relies on these roots being in the Java trust store. */
    @Test
    void javaTrustStore_holdsTheRootsAzureDatabaseForPostgresqlChainsTo() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<String> subjects = new ArrayList<>();
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    subjects.add(c.getSubjectX500Principal().getName());
                }
            }
        }

        assertThat(subjects).anyMatch(s -> s.contains("CN=DigiCert Global Root G2"));
        assertThat(subjects).anyMatch(s -> s.contains("CN=Microsoft RSA Root Certificate Authority 2017"));
    }
}
