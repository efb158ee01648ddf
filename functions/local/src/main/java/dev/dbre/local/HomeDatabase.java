package dev.dbre.local;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.schema.SchemaMigrator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import picocli.CommandLine;

/**
 * The database of a command given no {@code --jdbc-url}: the embedded PostgreSQL kept in the home,
 * started for the command, migrated, and stopped when it ends. It is the one {@code dbre invoke}
 * keeps ({@code <home>/invoke/postgres}), or, when the home is a run-local folder ({@code --home
 * <project>/.run-local}), the one run-local left there ({@code <home>/postgres}).
 */
final class HomeDatabase implements AutoCloseable {
    /** The superuser of the embedded server; it trusts local logins. */
    static final String USER = "postgres";

    private final LocalPostgres server;
    private final JdbcConnectionFactory connections;
    private final String jdbcUrl;

    private HomeDatabase(LocalPostgres server) {
        this.server = server;
        this.jdbcUrl = server.jdbcUrl(InvokeCommand.DATABASE);
        this.connections = JdbcConnectionFactory.of(jdbcUrl, USER, null);
    }

    /** A command's database: its connections, its URL, and the home's server if one was started. */
    record Target(JdbcConnectionFactory connections, String jdbcUrl, HomeDatabase started) implements AutoCloseable {
        /** "HOST:PORT/DATABASE", for messages. */
        String where() {
            return Databases.target(jdbcUrl);
        }

        @Override
        public void close() {
            if (started != null) {
                started.close();
            }
        }
    }

    /** Where the home's database lives: run-local's if the home is a run-local folder, else invoke's. */
    static Path dir(Path home) {
        Path runLocal = home.resolve("postgres");
        return isDataDir(runLocal.resolve("data"))
                ? runLocal
                : home.resolve(InvokeCommand.HOME_DIR).resolve("postgres");
    }

    /**
     * Starts the home's database.
     *
     * @param create make it (an empty database) when the home has none; else refuse
     * @param migrate apply the migrations it lacks
     * @param spec the command, for a usage error when there is no database and {@code create} is false
     * @param notes where progress goes (stderr)
     * @throws CommandLine.ParameterException (exit 2) naming the home and how to make a database, if
     *     it has none and {@code create} is false
     */
    static HomeDatabase open(
            Path home, boolean create, boolean migrate, CommandLine.Model.CommandSpec spec, PrintStream notes) {
        Path dir = dir(home);
        if (!create && !isDataDir(dir.resolve("data"))) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "the home " + home + " has no database yet (looked in " + dir + "): make one with `dbre migrate"
                            + " --home " + home + "` (or `dbre invoke`), point --home at a run-local folder"
                            + " (<project>/.run-local, after scripts/run-local), or give --jdbc-url");
        }
        notes.println(spec.qualifiedName() + ": starting the embedded PostgreSQL under " + dir + " ...");
        LocalPostgres server = KeptPostgres.open(dir, Map.of(), HomeDatabase::createDatabase, notes);
        try {
            int applied = migrate ? SchemaMigrator.migrate(server.jdbcUrl(InvokeCommand.DATABASE), USER, null) : 0;
            if (applied > 0) {
                notes.println(spec.qualifiedName() + ": applied " + applied + " migration(s)");
            }
            return new HomeDatabase(server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    JdbcConnectionFactory connections() {
        return connections;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
        server.close();
    }

    private static boolean isDataDir(Path data) {
        return Files.isRegularFile(data.resolve("PG_VERSION")) && Files.isRegularFile(data.resolve("postgresql.conf"));
    }

    private static void createDatabase(LocalPostgres server) throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), USER, null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute("create database \"" + InvokeCommand.DATABASE + "\"");
        }
    }
}
