package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.port.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre restores list|start|delete}: the restored servers a {@code dbre restore} kept under
 * {@code <home>/backup/restores} (a drill keeps none).
 */
@Command(
        name = "restores",
        mixinStandardHelpOptions = true,
        description = {
            "Lists, starts and deletes the restored servers `dbre restore` kept (under <home>/backup/restores).",
            "start runs one until Ctrl-C, printing host, port and a psql line; delete stops it, removes its files and"
                    + " frees its name."
        },
        subcommands = {RestoresCommand.ListKept.class, RestoresCommand.Start.class, RestoresCommand.Delete.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:no such restore, or it could not be started or removed", "2:usage error"})
final class RestoresCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    DbreCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "a command is required (list, start, delete)");
    }

    /** A kept restore as its {@code restore.json} describes it (the local provider's file). */
    record Kept(String name, String source, String target, String status, Path dir) {}

    static List<Kept> kept(Path backups) {
        Path dir = backups.resolve("restores");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(dir)) {
            return all.sorted()
                    .filter(d -> Files.isRegularFile(d.resolve("restore.json")))
                    .map(RestoresCommand::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    private static Kept read(Path dir) {
        try {
            JsonNode n = JSON.readTree(dir.resolve("restore.json").toFile());
            String target = n.path("snapshotOnly").asBoolean(false)
                    ? "snapshot " + n.path("snapshotId").asText("?")
                    : n.path("targetTime").isNull() || n.path("targetTime").isMissingNode()
                            ? "latest"
                            : n.path("targetTime").asText();
            return new Kept(
                    n.path("name").asText(dir.getFileName().toString()),
                    n.path("sourceId").asText("?"),
                    target,
                    n.path("status").asText("?"),
                    dir);
        } catch (IOException e) {
            return new Kept(dir.getFileName().toString(), "?", "?", "unreadable restore.json", dir);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the kept restored servers.")
    static final class ListKept implements Callable<Integer> {
        @ParentCommand
        RestoresCommand restores;

        @Mixin
        Home home = new Home();

        @Override
        public Integer call() {
            Path backups = Home.backupDir(home.resolve(restores.parent.env));
            List<Kept> all = kept(backups);
            if (all.isEmpty()) {
                restores.parent.out.println("no kept restores under " + backups.resolve("restores"));
                return DbreCommand.EXIT_OK;
            }
            restores.parent.out.printf(
                    Locale.ROOT, "%-30s %-20s %-32s %s%n", "NAME", "SOURCE", "RESTORED TO", "STATUS");
            for (Kept k : all) {
                restores.parent.out.printf(
                        Locale.ROOT, "%-30s %-20s %-32s %s%n", k.name(), k.source(), k.target(), k.status());
            }
            return DbreCommand.EXIT_OK;
        }
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Starts a kept restored server and keeps it running until Ctrl-C.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        RestoresCommand restores;

        @Mixin
        Home home = new Home();

        @Parameters(paramLabel = "NAME", description = "The restore's --name.")
        String name;

        @Option(
                names = "--verify-database",
                defaultValue = "postgres",
                paramLabel = "DB",
                description = "The database the printed psql line connects to (default: ${DEFAULT-VALUE}).")
        String database;

        @Override
        public Integer call() {
            Path backups = Home.backupDir(home.resolve(restores.parent.env));
            requireKept(backups, name);
            try (LocalBackupProvider provider = new LocalBackupProvider(backups, Duration.ofMinutes(2))) {
                provider.connect(name, database);
                int port = provider.runningPort(name).orElseThrow();
                restores.parent.out.println("restored server " + name + ": 127.0.0.1:" + port);
                restores.parent.out.println("  psql -h 127.0.0.1 -p " + port + " -U postgres " + database);
                restores.parent.out.println("running until Ctrl-C ...");
                RestoreCommand.keepRunningWait.run();
            }
            return DbreCommand.EXIT_OK;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Stops a kept restored server, removes its files and frees its name.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        RestoresCommand restores;

        @Mixin
        Home home = new Home();

        @Parameters(paramLabel = "NAME", description = "The restore's --name.")
        String name;

        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                converter = Databases.UrlConverter.class,
                description = "Where its run was recorded, if `dbre restore` was given one (default: the embedded"
                        + " server under <home>/backup/state).")
        String jdbcUrl;

        @Option(names = "--user", paramLabel = "USER", description = "User for --jdbc-url.")
        String user;

        @Override
        public Integer call() throws SQLException {
            DbreCommand parent = restores.parent;
            Path backups = Home.backupDir(home.resolve(parent.env));
            boolean files = Files.exists(backups.resolve("restores").resolve(name));
            int records = 0;
            if (jdbcUrl != null) {
                records = retire(Databases.connectAsConfigured(jdbcUrl, user, parent.env, "restore_runs"), name);
            } else if (Files.isDirectory(backups.resolve("state").resolve("data"))) {
                try (LocalPostgres state = RestoreCommand.startStateServer(backups.resolve("state"), parent.err)) {
                    records = retire(
                            JdbcConnectionFactory.of(state.jdbcUrl(RestoreCommand.STATE_DB), "postgres", null), name);
                }
            }
            if (!files && records == 0) {
                throw new CliException("no kept restore named " + name + " under " + backups.resolve("restores")
                        + "; `dbre restores list` shows them");
            }
            try (LocalBackupProvider provider = new LocalBackupProvider(backups, Duration.ofMinutes(2))) {
                // The operator names the restore; the provider still deletes only what a run made
                // (files without a restore.json naming their run are not dbre's and stay).
                java.util.Optional<java.util.UUID> owner = provider.restoredBy(name);
                if (files && owner.isEmpty()) {
                    throw new CliException(backups.resolve("restores").resolve(name)
                            + " has no restore.json naming the run that made it: not removed (remove it by hand if"
                            + " it is yours)");
                }
                if (owner.isPresent()) {
                    provider.delete(new dev.dbre.port.RestoreTarget(owner.get(), name, null));
                }
            }
            parent.out.println("deleted " + name + (files ? ": files removed" : ": no files were left")
                    + (records > 0 ? ", its run closed; the name is free" : ""));
            return DbreCommand.EXIT_OK;
        }
    }

    private static void requireKept(Path backups, String name) {
        if (!Files.isRegularFile(backups.resolve("restores").resolve(name).resolve("restore.json"))) {
            throw new CliException("no kept restore named " + name + " under " + backups.resolve("restores")
                    + "; `dbre restores list` shows them");
        }
    }

    /**
     * Closes the runs that still hold {@code name} (a kept restore, or one interrupted): its files
     * are gone, so it counts as cleaned up and the name is free for a new restore.
     *
     * @return how many runs were closed
     */
    static int retire(ConnectionFactory db, String name) throws SQLException {
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            int n;
            try (PreparedStatement events = c.prepareStatement("insert into restore_run_events (run_id, seq, state, at,"
                            + " detail) select run_id, coalesce((select max(seq) from restore_run_events e where"
                            + " e.run_id = r.run_id), 0) + 1, 'CLEANED_UP', now(), 'deleted by dbre restores delete'"
                            + " from restore_runs r where new_name = ? and state <> 'CLEANED_UP'");
                    PreparedStatement runs = c.prepareStatement("update restore_runs set state = 'CLEANED_UP',"
                            + " outcome = coalesce(outcome, 'FAILED'), failure_reason = coalesce(failure_reason,"
                            + " 'deleted before it finished'), updated_at = now() where new_name = ?"
                            + " and state <> 'CLEANED_UP'")) {
                events.setString(1, name);
                events.executeUpdate();
                runs.setString(1, name);
                n = runs.executeUpdate();
            }
            c.commit();
            return n;
        }
    }
}
