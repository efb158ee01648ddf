package dev.dbre.gcp.config;

import dev.dbre.config.Env;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of the Google Cloud functions: the process environment, and, for a variable
 * the environment does not set, a Java system property of the same name ({@code -DDBRE_DB_HOST=...}).
 *
 * <p>The fallback exists for the Functions Framework invoker run inside a JVM that is already
 * started (the handler tests, {@code mvn function:run} with {@code -D} options): environment
 * variables cannot be set there. Only names starting with {@code DBRE_} are taken from system
 * properties.
 */
public final class GcpEnv {
    public static final String PREFIX = "DBRE_";

    /** The project the function runs in (set by Cloud Run functions). */
    public static final String PROJECT = "GOOGLE_CLOUD_PROJECT";

    private GcpEnv() {}

    public static Env system() {
        return of(System.getenv(), System.getProperties());
    }

    public static Env of(Map<String, String> environment, Properties properties) {
        Map<String, String> vars = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                vars.put(name, properties.getProperty(name));
            }
        }
        vars.putAll(environment); // the environment wins
        return new Env(vars);
    }
}
