package dev.dbre.config;

import java.util.Map;

/**
 * Typed reads of environment variables from a map passed in (so tests supply their own). Every
 * failure is a {@link ConfigException} naming the variable.
 */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    /** The process environment. */
    public static Env system() {
        return new Env(System.getenv());
    }

    /** A copy with {@code name} set to {@code value}. */
    public Env with(String name, String value) {
        java.util.Map<String, String> copy = new java.util.HashMap<>(vars);
        copy.put(name, value);
        return new Env(copy);
    }

    /** The value, or null when unset or blank. */
    public String optional(String name) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String string(String name, String defaultValue) {
        String v = optional(name);
        return v == null ? defaultValue : v;
    }

    /** @throws ConfigException if unset or blank */
    public String required(String name) {
        String v = optional(name);
        if (v == null) {
            throw new ConfigException(name, "is required but not set");
        }
        return v;
    }

    /** @throws ConfigException if set but not an integer within [min, max] */
    public int integer(String name, int defaultValue, int min, int max) {
        String v = optional(name);
        if (v == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number, was '" + v + "'");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name, "must be between " + min + " and " + max + ", was " + parsed);
        }
        return parsed;
    }

    /** @throws ConfigException if set but not true/false */
    public boolean bool(String name, boolean defaultValue) {
        String v = optional(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name, "must be true or false, was '" + v + "'");
        };
    }
}
