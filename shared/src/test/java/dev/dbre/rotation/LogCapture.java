package dev.dbre.rotation;

import dev.dbre.testing.CapturedLogs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Captures every log line written while it is open: all log4j2 (SLF4J) events at every level,
 * including the embedded PostgreSQL's own output (its statement log, {@code log_statement=all}),
 * and PgJDBC's java.util.logging at its finest level (it traces the SQL it sends there). Each line
 * is the message plus the messages of its exception chain.
 */
final class LogCapture implements AutoCloseable {
    private final CapturedLogs log4j;
    private final Handler julHandler;
    private final java.util.logging.Logger pgjdbc = java.util.logging.Logger.getLogger("org.postgresql");
    private final java.util.logging.Level oldJulLevel;

    private final java.nio.file.Path serverLog;
    private final long serverLogStart;

    /** Captures this JVM's logging, plus what the rotation tests' PostgreSQL writes to its log from now on. */
    LogCapture() {
        serverLog = PasswordPostgres.serverLog();
        serverLogStart = size(serverLog);
        log4j = new CapturedLogs("io.zonky");
        julHandler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String msg = r.getMessage();
                if (r.getParameters() != null) {
                    msg = java.text.MessageFormat.format(msg, r.getParameters());
                }
                StringBuilder b = new StringBuilder("jul ").append(msg);
                for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                    b.append(" | ").append(t);
                }
                add(b.toString());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        julHandler.setLevel(java.util.logging.Level.ALL);
        oldJulLevel = pgjdbc.getLevel();
        pgjdbc.setLevel(java.util.logging.Level.ALL);
        pgjdbc.addHandler(julHandler);
    }

    private void add(String line) {
        log4j.add(line);
    }

    synchronized List<String> lines() {
        List<String> all = new ArrayList<>(log4j.lines());
        all.addAll(serverLines());
        return all;
    }

    /** The server log's lines written since this capture opened, each prefixed "postgres ". */
    private List<String> serverLines() {
        List<String> out = new ArrayList<>();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(serverLog.toFile(), "r")) {
            f.seek(Math.min(serverLogStart, f.length()));
            byte[] rest = new byte[(int) (f.length() - f.getFilePointer())];
            f.readFully(rest);
            for (String l : new String(rest, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                out.add("postgres " + l);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static long size(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.exists(p) ? java.nio.file.Files.size(p) : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The lines that contain any of {@code secrets}. */
    synchronized List<String> linesContainingAny(Collection<String> secrets) {
        List<String> bad = new ArrayList<>();
        for (String line : lines()) {
            for (String s : secrets) {
                if (line.contains(s)) {
                    bad.add(line);
                    break;
                }
            }
        }
        return bad;
    }

    @Override
    public void close() {
        pgjdbc.removeHandler(julHandler);
        pgjdbc.setLevel(oldJulLevel);
        log4j.close();
    }
}
