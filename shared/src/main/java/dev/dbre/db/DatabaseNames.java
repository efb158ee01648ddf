package dev.dbre.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.regex.Pattern;

/**
 * The rule for a database name wherever one enters the product ({@code DBRE_DB_NAME}, a restore
 * request's {@code database}): a PostgreSQL identifier of at most 63 bytes (NAMEDATALEN - 1) —
 * letters, digits, {@code _} and {@code $}, starting with a letter or {@code _} — and also {@code
 * -}, which names such as {@code orders-db} use on every cloud. Nothing a URL reads as a
 * separator ({@code ? & = / % #}, spaces) can pass, so a name cannot smuggle connection parameters
 * into a JDBC URL; {@link PgUrls} encodes names as well, should one come from anywhere else.
 */
public final class DatabaseNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

    private DatabaseNames() {}

    /** Why {@code name} is not accepted as a database name, or null when it is. */
    public static String problem(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "must be a PostgreSQL database name: 1 to 63 letters, digits, '_', '$' or '-', starting with"
                    + " a letter or '_' (was '" + name + "')";
        }
        return null;
    }

    /**
     * The database name in {@code variable}, else {@code defaultName}.
     *
     * @throws ConfigException naming {@code variable} when the name breaks the rule
     */
    public static String fromEnv(Env env, String variable, String defaultName) {
        String name = env.string(variable, defaultName);
        String problem = problem(name);
        if (problem != null) {
            throw new ConfigException(variable, problem);
        }
        return name;
    }
}
