package dev.dbre.local;

import dev.dbre.config.Env;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.db.SqlStates;
import dev.dbre.db.UrlCredentials;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --jdbc-url} of every command: checked when the command line is read (a URL that is not
 * PostgreSQL's JDBC form is a usage error), and connected to once before the work starts, so that a
 * refused connection, a wrong password, a missing database or a schema not yet migrated is told in
 * one line naming the host and port tried and what to do, rather than as a fault deep in the work.
 */
final class Databases {
    static final String FORM = "jdbc:postgresql://HOST:PORT/DATABASE";

    private Databases() {}

    /** Checks {@code --jdbc-url}. Never echoes a password. */
    static final class UrlConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip();
            if (v.startsWith("postgres://") || v.startsWith("postgresql://")) {
                throw new TypeConversionException("'" + UrlCredentials.mask(v) + "' is a libpq URL; dbre takes the JDBC"
                        + " form " + FORM + " (user in --user, password in " + MigrateCommand.ENV_PASSWORD + ")");
            }
            if (!v.startsWith("jdbc:postgresql:") || org.postgresql.Driver.parseURL(v, new Properties()) == null) {
                throw new TypeConversionException(
                        "'" + UrlCredentials.mask(v) + "' is not a PostgreSQL JDBC URL; expected " + FORM);
            }
            return v;
        }
    }

    /** "HOST:PORT/DATABASE" of a (checked) URL, as PgJDBC reads it. */
    static String target(String url) {
        Properties p = org.postgresql.Driver.parseURL(url, new Properties());
        if (p == null) {
            return UrlCredentials.mask(url);
        }
        return p.getProperty("PGHOST", "localhost") + ":" + p.getProperty("PGPORT", "5432") + "/"
                + p.getProperty("PGDBNAME", "");
    }

    /**
     * Connects once and checks that each of {@code tables} exists (the schema is migrated).
     *
     * @throws CliException saying what failed, where, and what to do
     */
    static JdbcConnectionFactory connect(String url, String user, String password, String... tables) {
        return connect(url, user, password, DbTimeouts.DEFAULTS, tables);
    }

    /**
     * As {@link #connect(String, String, String, String...)}, as the environment configures a command's
     * --jdbc-url database: the password from {@value MigrateCommand#ENV_PASSWORD} (never a flag), every
     * wait bounded by {@link DbTimeouts#fromEnv}.
     */
    static JdbcConnectionFactory connectAsConfigured(String url, String user, Env env, String... tables) {
        return connect(url, user, env.optional(MigrateCommand.ENV_PASSWORD), DbTimeouts.fromEnv(env), tables);
    }

    /** As {@link #connect(String, String, String, String...)}, every wait bounded by {@code timeouts}. */
    static JdbcConnectionFactory connect(
            String url, String user, String password, DbTimeouts timeouts, String... tables) {
        JdbcConnectionFactory db = JdbcConnectionFactory.of(url, user, password, timeouts);
        try (Connection c = db.open()) {
            for (String table : tables) {
                try (PreparedStatement s = c.prepareStatement("select to_regclass(?)")) {
                    s.setString(1, table);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (rs.getString(1) == null) {
                            throw new CliException("the database " + target(url) + " has no table " + table
                                    + ": its schema is not applied; run `dbre migrate --jdbc-url "
                                    + UrlCredentials.mask(url) + "` first");
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new CliException(explain(e, url, user), e);
        }
        return db;
    }

    /** One line for a failure to reach or log in to {@code url}: what, where, and whether a retry can help. */
    static String explain(SQLException e, String url, String user) {
        String where = target(url);
        String hostPort = where.substring(0, where.indexOf('/'));
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Throwable io = ioCause(e);
        if (io instanceof ConnectException) {
            return "cannot connect to " + hostPort + ": connection refused (no server listens there); running this"
                    + " again will not help until one does: start PostgreSQL there or fix --jdbc-url";
        }
        if (io instanceof UnknownHostException) {
            return "cannot connect to " + hostPort + ": unknown host; fix --jdbc-url";
        }
        if (io instanceof NoRouteToHostException) {
            return "cannot connect to " + hostPort + ": no route to host; check the network or fix --jdbc-url";
        }
        if (io instanceof SocketTimeoutException) {
            return "cannot connect to " + hostPort + ": timed out; running this again may help";
        }
        String who = user == null ? "the default user" : "user " + user;
        return switch (state) {
            case "28P01", "28000" ->
                hostPort + " refused the login of " + who + " (SQLSTATE " + state + "): check --user and "
                        + MigrateCommand.ENV_PASSWORD + "; running this again will not help";
            case "3D000" ->
                "the database " + where.substring(where.indexOf('/') + 1) + " does not exist on " + hostPort
                        + " (SQLSTATE 3D000): create it, or fix --jdbc-url";
            case "57P03" ->
                hostPort + " is not accepting connections yet (starting up or in recovery, SQLSTATE 57P03);"
                        + " running this again in a moment may help";
            default -> firstLine(e.getMessage()) + " (" + where + ", SQLSTATE " + state + "; " + retryHint(e) + ")";
        };
    }

    static String retryHint(Throwable e) {
        return SqlStates.isTransient(e) ? "running this again may help" : "running this again will not help";
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return t;
            }
        }
        return null;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
