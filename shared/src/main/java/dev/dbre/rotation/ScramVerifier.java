package dev.dbre.rotation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A PostgreSQL SCRAM-SHA-256 password verifier, computed here so that {@code ALTER ROLE ...
 * PASSWORD} carries the verifier and never the plaintext: the statement may land in {@code
 * log_statement} output, {@code pg_stat_statements}, an error report or a driver trace, and then
 * only a salted hash is exposed. PostgreSQL stores a value already in this form as it is,
 * whatever {@code password_encryption} says (documented under CREATE ROLE, "ENCRYPTED PASSWORD").
 *
 * <p>Written by hand because PgJDBC offers no public helper for it (libpq has {@code
 * PQencryptPasswordConn}); it is RFC 5802 / RFC 7677 in the layout of PostgreSQL's {@code
 * scram_build_secret}: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}. The
 * password must be printable ASCII (see {@link PasswordGenerator#check}), where SASLprep changes
 * nothing, so the server computes the same keys at login.
 */
public final class ScramVerifier {
    /** PostgreSQL's default {@code scram_iterations}. */
    public static final int ITERATIONS = 4096;

    private static final int SALT_BYTES = 16;

    private ScramVerifier() {}

    /** A verifier for {@code password} with a fresh random salt. */
    public static String of(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return of(password, salt, ITERATIONS);
    }

    /** A verifier for {@code password} with the given salt and iteration count. */
    public static String of(String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            // SunJCE encodes the chars as UTF-8, which is what PostgreSQL hashes.
            byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                    .getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key");
            Base64.Encoder b64 = Base64.getEncoder();
            return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                    + ":" + b64.encodeToString(serverKey);
        } catch (GeneralSecurityException e) {
            // SHA-256, HMAC-SHA256 and PBKDF2WithHmacSHA256 are required of every Java platform.
            throw new IllegalStateException("the JDK lacks SCRAM-SHA-256's algorithms", e);
        }
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    }
}
