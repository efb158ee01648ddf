package dev.dbre.local;

/**
 * Picks the log4j2 configuration of the local runtime before the first logger exists. The cloud
 * modules on the class path may carry their own {@code log4j2.xml}; ours is named explicitly.
 */
final class Logs {
    static final String CONFIG_PROPERTY = "log4j2.configurationFile";
    /** Where run-local writes its JSON log lines (read by {@code dbre-log4j2.xml}). */
    static final String FILE_PROPERTY = "dbre.log.file";

    private Logs() {}

    /** Read by {@code dbre-log4j2.xml} before DBRE_LOG_LEVEL: {@code --verbose} sets it. */
    static final String LEVEL_PROPERTY = "dbre.log.level";

    /**
     * JSON log lines to stderr (stdout carries the command's output); none by default (the
     * command prints its own one-line outcome), DEBUG with {@code --verbose}.
     */
    static void useDefaultConfiguration(boolean verbose) {
        if (verbose) {
            System.setProperty(LEVEL_PROPERTY, "debug");
            System.setProperty("dbre.log.libraries", "warn");
        }
        if (System.getProperty(CONFIG_PROPERTY) == null) {
            System.setProperty(CONFIG_PROPERTY, "dbre-log4j2.xml");
        }
    }

    /** JSON log lines to {@code file}: the terminal shows the run's progress only. */
    static void useFile(java.nio.file.Path file) {
        if (System.getProperty(CONFIG_PROPERTY) == null) {
            System.setProperty(CONFIG_PROPERTY, "dbre-log4j2-file.xml");
            System.setProperty(FILE_PROPERTY, file.toAbsolutePath().toString());
        }
    }
}
