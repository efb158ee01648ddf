package dev.dbre.rotation;

/** Masks secrets in text that came from elsewhere (a driver's error message) before it is logged. */
final class Redact {
    static final String MASK = "***";
    private static final String SCRAM = "SCRAM-SHA-256$";

    private Redact() {}

    /** The first line of {@code text}, with every one of {@code secrets} and any SCRAM verifier masked. */
    static String firstLine(String text, String... secrets) {
        if (text == null) {
            return "(no message)";
        }
        int nl = text.indexOf('\n');
        String s = nl < 0 ? text : text.substring(0, nl);
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                s = s.replace(secret, MASK);
            }
        }
        for (int i = s.indexOf(SCRAM); i >= 0; i = s.indexOf(SCRAM, i + MASK.length())) {
            int end = i;
            while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && s.charAt(end) != '\'') {
                end++;
            }
            s = s.substring(0, i) + MASK + s.substring(end);
        }
        return s.strip();
    }
}
