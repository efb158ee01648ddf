package dev.dbre.backup;

import java.util.Locale;
import java.util.Map;

/**
 * Which tags mark a database as production (restores from it then need an explicit confirmation).
 * Defined once so that every provider reads the same convention: {@code dbre:production=true}, or
 * the common {@code environment} / {@code env} tag set to {@code prod} or {@code production} (any
 * case).
 */
public final class ProductionTags {
    public static final String TAG_PRODUCTION = "dbre:production";

    private ProductionTags() {}

    /** True when {@code tags} mark a production database. */
    public static boolean isProduction(Map<String, String> tags) {
        if ("true".equalsIgnoreCase(tags.get(TAG_PRODUCTION))) {
            return true;
        }
        for (String key : new String[] {"environment", "env", "Environment", "Env"}) {
            String v = tags.get(key);
            if (v != null) {
                String lower = v.toLowerCase(Locale.ROOT);
                if (lower.equals("prod") || lower.equals("production")) {
                    return true;
                }
            }
        }
        return false;
    }
}
