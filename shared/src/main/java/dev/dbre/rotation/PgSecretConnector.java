package dev.dbre.rotation;

import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PgUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Logs in with PgJDBC. TLS per the secret ({@link DbSecret#sslMode()}, verify-full unless it says
 * otherwise) and never a fallback: PgJDBC's verify-full, verify-ca and require modes fail rather
 * than continue in plaintext. By default a 5-second connect and login timeout, as AWS's templates
 * use, and statement, lock and socket timeouts ({@link DbTimeouts#ROTATION_DEFAULTS}).
 */
public final class PgSecretConnector implements SecretConnector {
    public static final int CONNECT_TIMEOUT_SECONDS = DbTimeouts.ROTATION_DEFAULTS.connectSeconds();

    private final String sslRootCert;
    private final DbTimeouts timeouts;

    /** With {@link DbTimeouts#ROTATION_DEFAULTS}. */
    public PgSecretConnector(String sslRootCert) {
        this(sslRootCert, DbTimeouts.ROTATION_DEFAULTS);
    }

    /** @param sslRootCert the CA bundle that signs the server's certificate, or null for PgJDBC's default */
    public PgSecretConnector(String sslRootCert, DbTimeouts timeouts) {
        this.sslRootCert = sslRootCert;
        this.timeouts = timeouts;
    }

    /** The JDBC URL of the secret's database, without credentials or settings. */
    static String url(DbSecret s) {
        // The host is checked by DbSecret (no '/', '?'); PgUrls encodes the database name.
        return PgUrls.direct(s.host(), s.port(), s.dbname());
    }

    @Override
    public Connection open(DbSecret secret) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", secret.username());
        p.setProperty("password", secret.password());
        p.setProperty("sslmode", secret.sslMode());
        if (sslRootCert != null && !secret.sslMode().equals("disable")) {
            if (sslRootCert.equals(dev.dbre.db.DbSettings.SYSTEM_ROOTS)) {
                // The Java trust store (Azure's roots are in it); PgJDBC still checks the host name.
                p.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
            } else {
                p.setProperty("sslrootcert", sslRootCert);
            }
        }
        // GSS encryption is tried before TLS by default; it would only add a round trip here.
        p.setProperty("gssEncMode", "disable");
        timeouts.applyTo(p);
        p.setProperty("ApplicationName", "dbre-rotation");
        return DriverManager.getConnection(url(secret), p);
    }

    @Override
    public String toString() {
        return "PgSecretConnector[sslrootcert=" + sslRootCert + "]";
    }
}
