package dev.dbre.local;

import dev.dbre.db.DbTimeouts;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code [--jdbc-url URL [--user USER]] [--home DIR]}: the database of the commands that work on the
 * metric store ({@code migrate}, {@code ingest}, {@code query}, {@code maintain}, {@code slo-report}),
 * with one help text for all of them: the one {@code --jdbc-url} names, else the embedded PostgreSQL
 * kept in the home ({@link HomeDatabase}). The password is never a flag (flags land in shell
 * history): it comes from {@value MigrateCommand#ENV_PASSWORD} when set.
 */
final class DatabaseOptions {
    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = Databases.UrlConverter.class,
            description = "The database, as " + Databases.FORM + " (e.g. with ?sslmode=verify-full; password from "
                    + MigrateCommand.ENV_PASSWORD + "). Default: the embedded PostgreSQL kept in the home.")
    String jdbcUrl;

    @Option(
            names = "--user",
            paramLabel = "USER",
            description = "With --jdbc-url: the database user (default: the driver's, i.e. the OS user or the URL's"
                    + " user=).")
    String user;

    @Mixin
    Home home = new Home();

    /** The command these options belong to: its name for notes, its command line for usage errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The command's database: the one {@code --jdbc-url} names (checked: reachable, with {@code
     * tables}, its waits bounded by the defaults), else the home's (started and migrated now, stopped
     * by {@link HomeDatabase.Target#close()}).
     *
     * @param create with no --jdbc-url: make the home's database if it has none; else that is a usage
     *     error
     * @throws CliException if the --jdbc-url database cannot be reached or lacks one of {@code tables}
     */
    HomeDatabase.Target connect(DbreCommand parent, boolean create, String... tables) {
        return connect(parent, create, DbTimeouts.DEFAULTS, tables);
    }

    /** As {@link #connect(DbreCommand, boolean, String...)}, the --jdbc-url database's waits bounded by {@code timeouts}. */
    HomeDatabase.Target connect(DbreCommand parent, boolean create, DbTimeouts timeouts, String... tables) {
        if (jdbcUrl != null) {
            return new HomeDatabase.Target(
                    Databases.connect(jdbcUrl, user, password(parent), timeouts, tables), jdbcUrl, null);
        }
        HomeDatabase started = HomeDatabase.open(home.resolve(parent.env), create, true, command, parent.err);
        return new HomeDatabase.Target(started.connections(), started.jdbcUrl(), started);
    }

    /** The --jdbc-url database's password: {@value MigrateCommand#ENV_PASSWORD}, or null if unset. */
    String password(DbreCommand parent) {
        return parent.env.optional(MigrateCommand.ENV_PASSWORD);
    }
}
