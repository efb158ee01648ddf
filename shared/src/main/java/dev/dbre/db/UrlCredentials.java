package dev.dbre.db;

import java.util.regex.Pattern;

/**
 * Masks credentials in text that may hold a connection URL (a driver's error message, an option
 * echoed back) before it is printed or logged: the password of {@code scheme://user:password@host}
 * and the value of every {@code password=}, {@code sslpassword=}, {@code token=}, ... parameter.
 */
public final class UrlCredentials {
    public static final String MASK = "***";

    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:)[^@/\\s]*@");
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)(\\b(?:password|passwd|pwd|sslpassword|secret|token|access_token|api_key|apikey)\\s*=\\s*)"
                    + "[^&;,\\s}'\"]*");

    private UrlCredentials() {}

    /** {@code text} with every URL password and credential parameter replaced by {@value #MASK}; null stays null. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String s = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
        return PARAMETER.matcher(s).replaceAll("$1" + MASK);
    }
}
