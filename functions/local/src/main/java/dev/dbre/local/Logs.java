package dev.dbre.local;

/**
 * Picks the log4j2 configuration of the local runtime before the first logger exists. The cloud
 * modules on the class path may carry their own {@code log4j2.xml}; ours is named explicitly.
 */
final class Logs {
    static final String CONFIG_PROPERTY = "log4j2.configurationFile";
    /** Where run-local writes its JSON log lines (read by {@code dbre-log4j2.xml}). */
    static final String FILE_PROPERTY = "dbre.log.file";

    /**
     * SLF4J's choice of binding: log4j's. The Functions Framework invoker jar ({@code dbre invoke})
     * carries a second one (JDK logging); named here, SLF4J takes ours without its warning lines.
     */
    static final String SLF4J_PROVIDER_PROPERTY = "slf4j.provider";

    static {
        if (System.getProperty(SLF4J_PROVIDER_PROPERTY) == null) {
            System.setProperty(SLF4J_PROVIDER_PROPERTY, "org.apache.logging.slf4j.SLF4JServiceProvider");
        }
        // SLF4J otherwise says at INFO that it took the provider named above.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
    }

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
