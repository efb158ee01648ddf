package dev.dbre.config;

/** A configuration error found at start-up; its message names the variable and what was wrong. */
public final class ConfigException extends RuntimeException {
    private final String variable;

    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
        this.variable = variable;
    }

    /** The environment variable (or setting) that was wrong. */
    public String variable() {
        return variable;
    }
}
