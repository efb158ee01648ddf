package dev.dbre.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log4j2 event (all levels, the SDKs' and PgJDBC-over-SLF4J's included) written while open:
 * the logger, the message and its exception chain, so tests can check that no line holds a
 * password. The lines stay readable after {@link #close()}.
 */
public final class CapturedLogs implements AutoCloseable {
    private static final String NAME = "captured-logs";

    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;
    private final List<LoggerConfig> loggers = new ArrayList<>();
    private final List<Level> oldLevels = new ArrayList<>();

    /**
     * Starts capturing at the root logger and, at every level too, at the named loggers (those whose
     * configuration does not pass events up to the root, as the embedded PostgreSQL's).
     */
    public CapturedLogs(String... alsoLoggers) {
        appender = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder b = new StringBuilder(event.getLoggerName())
                        .append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    b.append(" | ").append(t);
                }
                add(b.toString());
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        loggers.add(config.getRootLogger());
        for (String name : alsoLoggers) {
            LoggerConfig logger = config.getLoggerConfig(name); // the root, when the name has no own config
            if (!loggers.contains(logger)) {
                loggers.add(logger);
            }
        }
        for (LoggerConfig logger : loggers) {
            oldLevels.add(logger.getLevel());
            logger.addAppender(appender, Level.ALL, null);
            logger.setLevel(Level.ALL);
        }
        ctx.updateLoggers();
    }

    /** Adds a line from another source (java.util.logging, a server's log file). */
    public void add(String line) {
        synchronized (lines) {
            lines.add(line);
        }
    }

    /** The lines captured so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        for (int i = loggers.size() - 1; i >= 0; i--) {
            loggers.get(i).removeAppender(NAME);
            loggers.get(i).setLevel(oldLevels.get(i));
        }
        ctx.updateLoggers();
        appender.stop();
    }
}
