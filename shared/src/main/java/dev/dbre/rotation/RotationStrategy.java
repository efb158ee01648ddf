package dev.dbre.rotation;

import dev.dbre.config.ConfigException;
import java.util.Locale;

/**
 * How the password changes (AWS's two PostgreSQL templates). Set by {@value
 * RotationSettings#STRATEGY}.
 */
public enum RotationStrategy {
    /** The user changes its own password: logs in with CURRENT (or PREVIOUS) and sets PENDING. */
    SINGLE,
    /**
     * Two users take turns ({@code <user>} and {@code <user>_clone}): the administrator secret named
     * by {@code masterarn} sets the password of the one not in use, so CURRENT always logs in.
     */
    ALTERNATING;

    /** @throws ConfigException naming {@code variable} if {@code text} is not single or alternating */
    public static RotationStrategy parse(String text, String variable) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "single", "single-user", "singleuser" -> SINGLE;
            case "alternating", "alternating-users", "multi-user", "multiuser" -> ALTERNATING;
            default -> throw new ConfigException(variable, "must be single or alternating, was '" + text + "'");
        };
    }
}
