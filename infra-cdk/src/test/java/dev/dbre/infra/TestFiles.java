package dev.dbre.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Files the infrastructure tests make: CA bundles (with the JDK's keytool) and a stand-in jar. */
final class TestFiles {
    /** The subject of an RDS-like root CA. */
    static final String RDS_CA =
            "CN=Amazon RDS test-1 Root CA RSA2048 G1, OU=Amazon RDS, O=Amazon Web Services Inc., C=US";

    private TestFiles() {}

    static Path tmp(String name) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PEM file with one self-signed certificate, made by one run of keytool (the key pair and
     * certificate go into a PKCS12 store, read back here and written as PEM).
     *
     * @param ca true for a CA certificate (basic constraints CA:true); valid 10 years from now
     */
    static Path certificate(Path dir, String file, String subject, boolean ca) {
        try {
            Path store = dir.resolve(file + ".p12");
            String keytool =
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(
                    keytool,
                    "-J-XX:TieredStopAtLevel=1",
                    "-J-XX:+UseSerialGC",
                    "-genkeypair",
                    "-alias",
                    "k",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    subject,
                    "-validity",
                    "3650",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    "changeit",
                    "-storetype",
                    "PKCS12",
                    "-ext",
                    ca ? "bc:c=ca:true" : "bc:c=ca:false"));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            }
            byte[] der = ks.getCertificate("k").getEncoded();
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der)
                    + "\n-----END CERTIFICATE-----\n";
            return Files.writeString(dir.resolve(file), pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path rdsBundle;

    /**
     * An RDS-like CA bundle of two root CAs, as AWS's global bundle is a list of roots; made once
     * per test JVM (each keytool run is a JVM start) and copied into {@code dir}.
     */
    static synchronized Path rdsBundle(Path dir) {
        try {
            if (rdsBundle == null) {
                Path made = tmp("rds-ca");
                Path a = certificate(made, "a.pem", RDS_CA, true);
                Path b = certificate(made, "b.pem", RDS_CA.replace("test-1", "test-2"), true);
                rdsBundle =
                        Files.writeString(made.resolve("global-bundle.pem"), Files.readString(a) + Files.readString(b));
            }
            return Files.copy(rdsBundle, dir.resolve("global-bundle.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stand-in for the Lambda jar: a zip with fixed content and times, so its hash is stable. */
    static Path lambdaJar(Path dir) {
        Path jar = dir.resolve("dbre-aws-test-lambda.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry("README.txt");
            e.setTime(0);
            zip.putNextEntry(e);
            zip.write("stand-in for functions/aws's shaded jar".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command.get(1) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
