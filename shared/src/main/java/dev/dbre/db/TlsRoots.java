package dev.dbre.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Decides, once at start-up, which root certificates verify the database server, so that
 * verify-ca/verify-full never meets a missing bundle at connect time (PgJDBC would then look for
 * {@code ~/.postgresql/root.crt}, which a function does not have, and every login would fail and be
 * retried forever).
 *
 * <p>Defaults per provider (what each cloud module passes as {@code providerDefault}):
 *
 * <ul>
 *   <li>AWS RDS: none. The RDS roots ({@code global-bundle.pem}) are in no public trust store, and no
 *       package on Maven Central or npm ships the current bundle (checked 2026-11: only the expired
 *       2019 CA is packaged, for MySQL). Deploy it with the function or a layer and set {@value
 *       DbSettings#SSLROOTCERT}.
 *   <li>Azure Database for PostgreSQL: {@value DbSettings#SYSTEM_ROOTS}. Its server certificates
 *       chain to DigiCert Global Root G2 / Microsoft RSA Root CA 2017, which the Java runtime's trust
 *       store holds.
 *   <li>Cloud SQL: through the Cloud SQL connector the connector does TLS itself (no root needed
 *       here); a direct connection needs the instance's server CA in {@value DbSettings#SSLROOTCERT}.
 * </ul>
 */
public final class TlsRoots {
    private TlsRoots() {}

    /**
     * The settings with their root certificate decided: {@value DbSettings#SSLROOTCERT} if set,
     * else {@code providerDefault} (may be null).
     *
     * @throws ConfigException naming {@value DbSettings#SSLROOTCERT} when the certificate is verified
     *     but no root is available, or the file is missing or holds no certificate
     */
    public static DbSettings resolve(DbSettings settings, String providerDefault) {
        String root = settings.sslRootCert() != null ? settings.sslRootCert() : providerDefault;
        if (!settings.verifiesCertificate()) {
            return settings.withSslRootCert(root);
        }
        if (root == null) {
            throw new ConfigException(
                    DbSettings.SSLROOTCERT,
                    "is required with " + DbSettings.SSLMODE + "=" + settings.sslMode()
                            + ": no CA bundle ships for this provider; set it to the provider's root bundle (PEM file)"
                            + " or to '" + DbSettings.SYSTEM_ROOTS + "' for the Java trust store");
        }
        if (!root.equals(DbSettings.SYSTEM_ROOTS)) {
            checkBundle(Path.of(root));
        }
        return settings.withSslRootCert(root);
    }

    /**
     * The root for connections whose TLS mode only the secret knows (the rotation function logs in
     * to the secret's host): {@value DbSettings#SSLROOTCERT} if set, else {@code providerDefault}.
     *
     * @throws ConfigException naming {@value DbSettings#SSLROOTCERT} when neither is available (the
     *     secret's default is verify-full) or the file is missing or holds no certificate
     */
    public static String forSecrets(Env env, String providerDefault) {
        String root = env.optional(DbSettings.SSLROOTCERT);
        if (root == null) {
            root = providerDefault;
        }
        if (root == null) {
            throw new ConfigException(
                    DbSettings.SSLROOTCERT,
                    "is required: the rotation verifies the database's certificate (verify-full unless the secret"
                            + " says otherwise) and no CA bundle ships for this provider; set it to the provider's"
                            + " root bundle (PEM file) or to '" + DbSettings.SYSTEM_ROOTS
                            + "' for the Java trust store");
        }
        if (!root.equals(DbSettings.SYSTEM_ROOTS)) {
            checkBundle(Path.of(root));
        }
        return root;
    }

    private static void checkBundle(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException(DbSettings.SSLROOTCERT, "file '" + file + "' does not exist or cannot be read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new ConfigException(DbSettings.SSLROOTCERT, "file '" + file + "' holds no certificate");
            }
        } catch (CertificateException e) {
            throw new ConfigException(
                    DbSettings.SSLROOTCERT, "file '" + file + "' is not a PEM certificate bundle: " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(DbSettings.SSLROOTCERT, "file '" + file + "' cannot be read: " + e.getMessage());
        }
    }
}
