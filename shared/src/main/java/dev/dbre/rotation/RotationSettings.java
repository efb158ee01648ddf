package dev.dbre.rotation;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.port.PasswordPolicy;

/**
 * The rotation function's settings, read once at start-up. The password variables keep the names
 * of AWS's rotation templates, so a function moved from them keeps its configuration.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><td>{@value #STRATEGY}</td><td>single | alternating; default single</td></tr>
 * <tr><td>{@value #PASSWORD_LENGTH}</td><td>16–4096; default 32</td></tr>
 * <tr><td>{@value #EXCLUDE_CHARACTERS}</td><td>characters never used; default {@code :/@"'\}; {@link
 * PasswordPolicy#ALWAYS_EXCLUDED} is always added</td></tr>
 * <tr><td>{@value #EXCLUDE_NUMBERS}, {@value #EXCLUDE_PUNCTUATION}, {@value #EXCLUDE_UPPERCASE},
 * {@value #EXCLUDE_LOWERCASE}</td><td>true | false; default false</td></tr>
 * <tr><td>{@value #REQUIRE_EACH_INCLUDED_TYPE}</td><td>true | false; default true</td></tr>
 * <tr><td>{@value DbSettings#SSLROOTCERT}</td><td>CA bundle used to verify the database's
 * certificate; default PgJDBC's ({@code ~/.postgresql/root.crt})</td></tr>
 * <tr><td>{@code DBRE_DB_*_TIMEOUT_SECONDS}</td><td>timeouts of the logins to the secret's
 * database ({@link DbTimeouts}); defaults {@link DbTimeouts#ROTATION_DEFAULTS}</td></tr>
 * </table>
 */
public record RotationSettings(
        RotationStrategy strategy, PasswordPolicy passwordPolicy, String sslRootCert, DbTimeouts timeouts) {
    public static final String STRATEGY = "DBRE_ROTATION_STRATEGY";
    public static final String PASSWORD_LENGTH = "PASSWORD_LENGTH";
    public static final String EXCLUDE_CHARACTERS = "EXCLUDE_CHARACTERS";
    public static final String EXCLUDE_NUMBERS = "EXCLUDE_NUMBERS";
    public static final String EXCLUDE_PUNCTUATION = "EXCLUDE_PUNCTUATION";
    public static final String EXCLUDE_UPPERCASE = "EXCLUDE_UPPERCASE";
    public static final String EXCLUDE_LOWERCASE = "EXCLUDE_LOWERCASE";
    public static final String REQUIRE_EACH_INCLUDED_TYPE = "REQUIRE_EACH_INCLUDED_TYPE";

    /** AWS's default {@code EXCLUDE_CHARACTERS}. */
    public static final String AWS_DEFAULT_EXCLUDED = ":/@\"'\\";

    /** Shorter passwords are refused: 16 random characters from ~80 symbols is ~100 bits. */
    public static final int MIN_PASSWORD_LENGTH = 16;

    public static final int MAX_PASSWORD_LENGTH = 4096;

    /** With {@link DbTimeouts#ROTATION_DEFAULTS}. */
    public RotationSettings(RotationStrategy strategy, PasswordPolicy passwordPolicy, String sslRootCert) {
        this(strategy, passwordPolicy, sslRootCert, DbTimeouts.ROTATION_DEFAULTS);
    }

    /** Single user, AWS's password defaults, PgJDBC's CA bundle. */
    public static final RotationSettings DEFAULTS =
            new RotationSettings(RotationStrategy.SINGLE, PasswordPolicy.DEFAULTS, null);

    /**
     * @throws ConfigException naming the first variable that is wrong, including a policy that can
     *     make no password (every class excluded)
     */
    public static RotationSettings fromEnv(Env env) {
        RotationStrategy strategy = RotationStrategy.parse(env.string(STRATEGY, "single"), STRATEGY);
        int length = env.integer(PASSWORD_LENGTH, 32, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH);
        String excluded = env.string(EXCLUDE_CHARACTERS, AWS_DEFAULT_EXCLUDED);
        StringBuilder all = new StringBuilder(PasswordPolicy.ALWAYS_EXCLUDED);
        for (int i = 0; i < excluded.length(); i++) {
            if (all.indexOf(String.valueOf(excluded.charAt(i))) < 0) {
                all.append(excluded.charAt(i));
            }
        }
        PasswordPolicy policy = new PasswordPolicy(
                length,
                all.toString(),
                env.bool(EXCLUDE_UPPERCASE, false),
                env.bool(EXCLUDE_LOWERCASE, false),
                env.bool(EXCLUDE_NUMBERS, false),
                env.bool(EXCLUDE_PUNCTUATION, false),
                env.bool(REQUIRE_EACH_INCLUDED_TYPE, true));
        if (PasswordGenerator.classes(policy).isEmpty()) {
            throw new ConfigException(
                    EXCLUDE_CHARACTERS,
                    "with " + EXCLUDE_UPPERCASE + ", " + EXCLUDE_LOWERCASE + ", " + EXCLUDE_NUMBERS + " and "
                            + EXCLUDE_PUNCTUATION + " leaves no character to make a password from");
        }
        return new RotationSettings(
                strategy,
                policy,
                env.optional(DbSettings.SSLROOTCERT),
                DbTimeouts.fromEnv(env, DbTimeouts.ROTATION_DEFAULTS));
    }

    public RotationSettings withStrategy(RotationStrategy s) {
        return new RotationSettings(s, passwordPolicy, sslRootCert, timeouts);
    }

    /** The same settings with the CA bundle decided by the cloud's wiring. */
    public RotationSettings withSslRootCert(String root) {
        return new RotationSettings(strategy, passwordPolicy, root, timeouts);
    }
}
