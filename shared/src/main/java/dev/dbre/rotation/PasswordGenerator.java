package dev.dbre.rotation;

import dev.dbre.port.PasswordPolicy;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes passwords for stores without a generator of their own (the local store, Key Vault, Secret
 * Manager), following a {@link PasswordPolicy} as Secrets Manager's {@code GetRandomPassword}
 * does: the four character classes, the exclusions, and one of each included class when required.
 * Also checks passwords a store's generator made, before they are used.
 */
public final class PasswordGenerator {
    /** Secrets Manager's punctuation set, before exclusions. */
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    static final String DIGITS = "0123456789";

    private final SecureRandom random;

    public PasswordGenerator(SecureRandom random) {
        this.random = random;
    }

    public PasswordGenerator() {
        this(new SecureRandom());
    }

    /** The included classes, each minus the excluded characters; empty classes are left out. */
    static List<String> classes(PasswordPolicy policy) {
        List<String> classes = new ArrayList<>(4);
        addClass(classes, policy.excludeUppercase(), UPPER, policy);
        addClass(classes, policy.excludeLowercase(), LOWER, policy);
        addClass(classes, policy.excludeNumbers(), DIGITS, policy);
        addClass(classes, policy.excludePunctuation(), PUNCTUATION, policy);
        return classes;
    }

    private static void addClass(List<String> classes, boolean excluded, String chars, PasswordPolicy policy) {
        if (excluded) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            if (!isExcluded(c, policy)) {
                b.append(c);
            }
        }
        if (!b.isEmpty()) {
            classes.add(b.toString());
        }
    }

    private static boolean isExcluded(char c, PasswordPolicy policy) {
        return policy.excludeCharacters().indexOf(c) >= 0 || PasswordPolicy.ALWAYS_EXCLUDED.indexOf(c) >= 0;
    }

    /**
     * A new password.
     *
     * @throws RotationException ({@link RotationError#PASSWORD_POLICY_VIOLATED}) if the policy
     *     allows no character, or requires more classes than its length
     */
    public String generate(PasswordPolicy policy) {
        List<String> classes = classes(policy);
        if (classes.isEmpty() || (policy.requireEachIncludedType() && policy.length() < classes.size())) {
            throw new RotationException(
                    RotationError.PASSWORD_POLICY_VIOLATED, "the password policy allows no password: " + policy);
        }
        String all = String.join("", classes);
        char[] p = new char[policy.length()];
        int i = 0;
        if (policy.requireEachIncludedType()) {
            for (String c : classes) {
                p[i++] = c.charAt(random.nextInt(c.length()));
            }
        }
        for (; i < p.length; i++) {
            p[i] = all.charAt(random.nextInt(all.length()));
        }
        // Fisher-Yates, so the required characters are not always at the front.
        for (int j = p.length - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            char t = p[j];
            p[j] = p[k];
            p[k] = t;
        }
        return new String(p);
    }

    /**
     * Checks a password made elsewhere (a store's generator): printable ASCII only (so SASLprep
     * leaves it unchanged and the SCRAM verifier matches what the server computes at login), no
     * excluded character, the policy's length.
     *
     * @throws RotationException ({@link RotationError#PASSWORD_POLICY_VIOLATED}) naming the rule
     *     broken, never the password
     */
    public static void check(String password, PasswordPolicy policy) {
        if (password == null || password.length() != policy.length()) {
            throw new RotationException(
                    RotationError.PASSWORD_POLICY_VIOLATED,
                    "the generated password is " + (password == null ? "missing" : password.length() + " characters")
                            + ", the policy asks for " + policy.length());
        }
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new RotationException(
                        RotationError.PASSWORD_POLICY_VIOLATED,
                        "the generated password has a character outside printable ASCII at position " + i);
            }
            if (isExcluded(c, policy)) {
                throw new RotationException(
                        RotationError.PASSWORD_POLICY_VIOLATED,
                        "the generated password has an excluded character at position " + i);
            }
        }
    }
}
