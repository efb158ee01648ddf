package dev.dbre.aws.rotation;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log4j2 event (all levels, the SDK's and PgJDBC-over-SLF4J's included) written while open:
 * the message and its exception chain, so tests can check that no line holds a password.
 */
final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;
    private final Level oldLevel;

    CapturedLogs() {
        appender = new AbstractAppender("captured-logs", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder b = new StringBuilder(event.getLoggerName())
                        .append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    b.append(" | ").append(t);
                }
                synchronized (lines) {
                    lines.add(b.toString());
                }
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        oldLevel = root.getLevel();
        root.addAppender(appender, Level.ALL, null);
        root.setLevel(Level.ALL);
        ctx.updateLoggers();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        root.removeAppender("captured-logs");
        root.setLevel(oldLevel);
        ctx.updateLoggers();
        appender.stop();
    }
}
