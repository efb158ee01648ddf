package dev.dbre.infra;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RDS CA bundle that the functions verify database certificates with ({@code
 * DBRE_DB_SSLROOTCERT}). No Maven or npm package carries it, so {@code scripts/deploy} downloads
 * AWS's global bundle and the CDK app checks it here before shipping it in a layer: a failed or
 * tampered download (an HTML error page, a truncated file, a server certificate instead of CAs)
 * must stop the deployment, not produce functions that cannot connect.
 */
public final class CaBundle {
    /** Where the layer puts the bundle: Lambda mounts layers under {@code /opt}. */
    public static final String LAYER_PATH = "rds/global-bundle.pem";

    public static final String FUNCTION_PATH = "/opt/" + LAYER_PATH;

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private CaBundle() {}

    /**
     * Reads and checks the bundle: at least one PEM certificate, nothing else in PEM form, every
     * certificate a CA, and at least one Amazon RDS CA valid at {@code now}.
     *
     * @return the certificates, in file order
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static List<X509Certificate> check(Path file, Instant now) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("RDS CA bundle " + file + ": cannot be read: " + e.getMessage(), e);
        }
        List<X509Certificate> certs = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        int blocks = 0;
        while (m.find()) {
            blocks++;
            if (!m.group(1).equals("CERTIFICATE")) {
                throw new IllegalArgumentException("RDS CA bundle " + file + ": PEM block " + blocks + " is a "
                        + m.group(1) + ", expected only CERTIFICATE blocks");
            }
            byte[] der;
            try {
                der = java.util.Base64.getMimeDecoder().decode(m.group(2));
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (IllegalArgumentException | CertificateException e) {
                throw new IllegalArgumentException(
                        "RDS CA bundle " + file + ": certificate " + blocks + " cannot be parsed: " + e.getMessage(),
                        e);
            }
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("RDS CA bundle " + file
                    + ": holds no PEM certificate (a failed download? expected AWS's global-bundle.pem)");
        }
        boolean currentRdsCa = false;
        for (int i = 0; i < certs.size(); i++) {
            X509Certificate c = certs.get(i);
            String subject = c.getSubjectX500Principal().getName();
            if (c.getBasicConstraints() < 0) {
                throw new IllegalArgumentException("RDS CA bundle " + file + ": certificate " + (i + 1) + " (" + subject
                        + ") is not a CA certificate");
            }
            if (subject.contains("Amazon RDS") && validAt(c, now)) {
                currentRdsCa = true;
            }
        }
        if (!currentRdsCa) {
            throw new IllegalArgumentException("RDS CA bundle " + file + ": none of its " + certs.size()
                    + " certificates is an Amazon RDS CA valid now");
        }
        return certs;
    }

    private static boolean validAt(X509Certificate c, Instant now) {
        try {
            c.checkValidity(Date.from(now));
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }
}
