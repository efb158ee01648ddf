package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ScramVerifierTest {
    @Test
    void verifier_hasPostgresLayout_andNeverThePassword() {
        String v = ScramVerifier.of("pencil-Pencil-1234", new SecureRandom());

        assertThat(v).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}");
        assertThat(v).doesNotContain("pencil");
    }

    @Test
    void sameSalt_sameVerifier_otherSalt_otherVerifier() {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        assertThat(ScramVerifier.of("pencil", salt, 4096)).isEqualTo(ScramVerifier.of("pencil", salt, 4096));
        assertThat(ScramVerifier.of("pencil", salt, 4096)).isNotEqualTo(ScramVerifier.of("pencil", new byte[16], 4096));
    }

    @Test
    void rfc7677Example_serverKeyMatches() {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096.
        // Its ServerSignature (6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=) is HMAC(ServerKey,
        // AuthMessage): checking it checks our ServerKey.
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        String v = ScramVerifier.of("pencil", salt, 4096);
        byte[] serverKey = Base64.getDecoder().decode(v.substring(v.lastIndexOf(':') + 1));
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        assertThat(Base64.getEncoder().encodeToString(hmac(serverKey, authMessage)))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
