package dev.dbre.local;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.schema.SchemaMigrator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre migrate [--jdbc-url URL [--user U] | --home DIR]}: applies the schema and prints what it
 * applied. Without --jdbc-url it migrates the home's kept database ({@link HomeDatabase}), making
 * it first if the home has none: the way to give {@code query}, {@code maintain} and {@code
 * slo-report} a database of their own.
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Applies the schema (the Flyway migrations shipped in dbre-shared) and prints each migration it applied.",
            "The password is read from the environment variable " + MigrateCommand.ENV_PASSWORD
                    + " if set (never from a flag: flags land in shell history).",
            "Without --jdbc-url: the embedded PostgreSQL kept in the home (--home), made if there is none yet."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the schema is current (migrations applied, or nothing to apply)",
            "1:the database cannot be reached, or a migration failed",
            "2:usage error"
        })
final class MigrateCommand implements Callable<Integer> {
    /** The database password, when the database wants one. */
    static final String ENV_PASSWORD = "DBRE_DB_PASSWORD";

    @ParentCommand
    DbreCommand parent;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        if (database.jdbcUrl != null) {
            return migrate(database.jdbcUrl, database.user, database.password(parent));
        }
        try (HomeDatabase started =
                HomeDatabase.open(database.home.resolve(parent.env), true, false, spec, parent.err)) {
            return migrate(started.jdbcUrl(), HomeDatabase.USER, null);
        }
    }

    private int migrate(String jdbcUrl, String user, String password) throws SQLException {
        JdbcConnectionFactory db = Databases.connect(jdbcUrl, user, password);
        List<String> before = appliedVersions(db);
        int count = SchemaMigrator.migrate(jdbcUrl, user, password);
        List<String> after = appliedVersions(db);
        for (String v : after) {
            if (!before.contains(v)) {
                parent.out.println("applied " + v);
            }
        }
        String current = after.isEmpty() ? "none" : after.get(after.size() - 1);
        parent.out.println(
                count == 0
                        ? "schema is current (" + current + "); nothing applied"
                        : "applied " + count + " migration(s); schema now at " + current);
        return DbreCommand.EXIT_OK;
    }

    /** "V1 ingest", ... for each successful migration, oldest first; empty on a new database. */
    static List<String> appliedVersions(JdbcConnectionFactory db) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = db.open();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select version, description from flyway_schema_history"
                    + " where success and version is not null order by installed_rank")) {
                while (rs.next()) {
                    versions.add("V" + rs.getString(1) + " " + rs.getString(2));
                }
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) { // undefined_table: nothing applied yet
                    throw e;
                }
            }
        }
        return versions;
    }
}
