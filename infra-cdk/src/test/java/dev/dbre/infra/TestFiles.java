package dev.dbre.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * A PEM file with one self-signed certificate made by keytool.
     *
     * @param ca true for a CA certificate (basic constraints CA:true)
     * @param validityDays how long it is valid from now
     */
    static Path certificate(Path dir, String file, String subject, boolean ca) {
        try {
            Path store = dir.resolve(file + ".p12");
            Path pem = dir.resolve(file);
            String keytool =
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(
                    keytool,
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
            run(List.of(
                    keytool,
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "k",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    "changeit",
                    "-file",
                    pem.toString()));
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An RDS-like CA bundle of two root CAs, as AWS's global bundle is a list of roots. */
    static Path rdsBundle(Path dir) {
        try {
            Path a = certificate(dir, "a.pem", RDS_CA, true);
            Path b = certificate(dir, "b.pem", RDS_CA.replace("test-1", "test-2"), true);
            Path bundle = dir.resolve("global-bundle.pem");
            Files.writeString(bundle, Files.readString(a) + Files.readString(b));
            return bundle;
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
