package dev.dbre.port;

/**
 * How new passwords are made. Defaults follow AWS's rotation templates (32 characters, each
 * class required) and always exclude characters that break connection strings and URLs.
 */
public record PasswordPolicy(
        int length,
        String excludeCharacters,
        boolean excludeUppercase,
        boolean excludeLowercase,
        boolean excludeNumbers,
        boolean excludePunctuation,
        boolean requireEachIncludedType) {
    /** Characters never used: they break libpq connection strings, JDBC URLs or shell quoting. */
    public static final String ALWAYS_EXCLUDED = ":/@\"'\\ ;=?&%#`$";

    public static final PasswordPolicy DEFAULTS =
            new PasswordPolicy(32, ALWAYS_EXCLUDED, false, false, false, false, true);
}
