package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreTarget;
import dev.dbre.restore.RestoreEvent;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoreState;
import dev.dbre.schema.SchemaMigrator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre restore} and {@code dbre drill}: point-in-time restore from the local provider's
 * base backups and archived WAL, or restore of one snapshot (a base backup alone), driven through the same state machine as the cloud functions,
 * with a line per transition and the recovery time at the end.
 */
final class RestoreCommand {
    private RestoreCommand() {}

    /** What both commands share: where the backups and the runs live, what to restore, how to check it. */
    static final class Common {
        @Mixin
        Home home = new Home();

        @Option(
                names = "--base-dir",
                hidden = true,
                paramLabel = "DIR",
                description = "Deprecated: --home (the backups are <home>/backup).")
        Path baseDir;

        @Option(names = "--source", required = true, paramLabel = "ID", description = "The database to restore from.")
        String source;

        @Option(
                names = "--verify",
                paramLabel = "FILE",
                description = "JSON array of verification queries: [{\"name\", \"sql\", \"expect\": {\"atLeast\": N}}]"
                        + " (see docs/restore-request.md).")
        Path verifyFile;

        @Option(
                names = "--verify-database",
                defaultValue = "postgres",
                paramLabel = "DB",
                description = "The database of the restored server the --verify queries run in (default:"
                        + " ${DEFAULT-VALUE}).")
        String verifyDatabase;

        @Option(names = "--database", hidden = true, paramLabel = "DB", description = "Deprecated: --verify-database.")
        String database;

        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                converter = Databases.UrlConverter.class,
                description = "Where restore runs are recorded (schema applied if needed; password from "
                        + MigrateCommand.ENV_PASSWORD + "). Default: an embedded server under <home>/backup/state.")
        String jdbcUrl;

        @Option(names = "--user", paramLabel = "USER", description = "User for --jdbc-url.")
        String user;

        @Option(
                names = "--timeout",
                defaultValue = "30m",
                paramLabel = "DURATION",
                converter = OptionTypes.DurationType.class,
                description = "Give up waiting after this long: 30m, 1h, 90s or ISO-8601 PT30M (default:"
                        + " ${DEFAULT-VALUE}).")
        Duration timeout;

        /** The local provider's folder: {@code <home>/backup}, or the deprecated {@code --base-dir}. */
        Path backupDir(DbreCommand parent) {
            if (baseDir != null) {
                parent.err.println(
                        "dbre: --base-dir is deprecated; use --home (the backups are <home>/backup, here --home "
                                + baseDir.toAbsolutePath().normalize().getParent() + ")");
                return baseDir.toAbsolutePath().normalize();
            }
            return Home.backupDir(home.resolve(parent.env));
        }

        String verifyDatabase(DbreCommand parent) {
            if (database != null) {
                parent.err.println("dbre: --database is deprecated here; use --verify-database");
                return database;
            }
            return verifyDatabase;
        }
    }

    /**
     * The three ways to name the snapshot to restore alone, without the log after it: options that
     * restore's and drill's exclusive groups both hold. A superclass of each group rather than a
     * nested group: nested, two of them together got picocli's "expected only one match" over the
     * whole group instead of "--snapshot=ID, --newest-of=POLICY are mutually exclusive".
     */
    static class SnapshotChoice {
        @Option(
                names = "--snapshot",
                paramLabel = "ID",
                description = "Restore this snapshot (its id as `dbre snapshot` named it), without the log after it.")
        String id;

        @Option(
                names = "--newest-of",
                paramLabel = "POLICY",
                description = "Restore the newest completed snapshot taken under this backup policy.")
        String newestOf;

        @Option(
                names = "--newest-copy-in",
                paramLabel = "REGION",
                description = "Restore the newest completed copy stored in this region (a policy's `copy:` target).")
        String newestCopyIn;

        /** The request's {@code snapshot}: {"id"} | {"newestOfPolicy"} | {"newestCopyInRegion"} (picocli lets one through). */
        ObjectNode request() {
            ObjectNode s = JSON.createObjectNode();
            if (id != null) {
                s.put("id", id);
            }
            if (newestOf != null) {
                s.put("newestOfPolicy", newestOf);
            }
            if (newestCopyIn != null) {
                s.put("newestCopyInRegion", newestCopyIn);
            }
            return s;
        }
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = {
                "Restores a database to a point in time, or from a snapshot (--snapshot ID, --newest-of POLICY,"
                        + " --newest-copy-in REGION: the snapshot's data only, no log after it), as a new server"
                        + " (127.0.0.1, its own port), verifies it and prints the recovery time.",
                "Its files stay under <home>/backup/restores/<name>. With --keep-running the server keeps running"
                        + " (host, port and a psql line are printed) until Ctrl-C; `dbre restores start NAME` starts it"
                        + " again later, `dbre restores list` shows the kept ones, `dbre restores delete NAME` removes"
                        + " one.",
                "Ctrl-C while it restores stops it; the same command again resumes it."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:restored and verified",
                "1:refused (the rule is named), failed (the reason is printed), or timed out",
                "2:usage error (also a --name or --at the request rules refuse)"
            })
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        DbreCommand parent;

        @Mixin
        Common common = new Common();

        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target extends SnapshotChoice {
            @Option(
                    names = "--at",
                    paramLabel = "TIME",
                    converter = OptionTypes.TimeType.class,
                    description = "ISO-8601 time with a zone, e.g. 2026-11-23T22:43:01Z.")
            Instant at;

            @Option(names = "--latest", description = "The latest restorable time.")
            boolean latest;
        }

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The new server's name.")
        String name;

        @Option(
                names = "--confirm-production",
                paramLabel = "ID",
                description = "Required when the source is production: its id again.")
        String confirmProduction;

        @Option(
                names = "--keep-running",
                description = "Once verified, keep the restored server running (host, port, psql line printed) until"
                        + " Ctrl-C.")
        boolean keepRunning;

        @Override
        public Integer call() throws Exception {
            ObjectNode req = request(parent, common, name, false);
            if (target.at != null) {
                req.put("targetTime", target.at.toString());
            } else if (target.latest) {
                req.put("latest", true);
            } else {
                req.set("snapshot", target.request());
            }
            if (confirmProduction != null) {
                req.put("confirmProduction", confirmProduction);
            }
            return drive(parent, common, req, keepRunning);
        }
    }

    @Command(
            name = "drill",
            mixinStandardHelpOptions = true,
            description = {
                "A restore drill: restores (to --at, the latest time, or from --snapshot ID / --newest-of POLICY /"
                        + " --newest-copy-in REGION), verifies, prints the recovery time, then stops the restored server"
                        + " and removes its files.",
                "Ctrl-C stops it and removes what it made."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:restored, verified and cleaned up",
                "1:refused, failed (cleaned up all the same) or timed out",
                "2:usage error"
            })
    static final class Drill implements Callable<Integer> {
        @ParentCommand
        DbreCommand parent;

        @Mixin
        Common common = new Common();

        @ArgGroup(multiplicity = "0..1")
        DrillPoint point;

        static final class DrillPoint extends SnapshotChoice {
            @Option(
                    names = "--at",
                    paramLabel = "TIME",
                    converter = OptionTypes.TimeType.class,
                    description = "ISO-8601 time with a zone (default: the latest).")
            Instant at;
        }

        @Option(
                names = "--name",
                paramLabel = "NAME",
                description = "The drill server's name (default: drill-<source>-<UTC yyyymmdd-hhmmss>).")
        String name;

        @Override
        public Integer call() throws Exception {
            Clock clock = Clock.systemUTC();
            String n = name != null ? name : drillName(common.source, clock.instant());
            ObjectNode req = request(parent, common, n, true);
            if (point != null && point.at != null) {
                req.put("targetTime", point.at.toString());
            } else if (point != null) {
                req.set("snapshot", point.request());
            } else {
                req.put("latest", true);
            }
            return drive(parent, common, req, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** drill-<source, lowercased, other characters as '-'>-<UTC yyyymmdd-hhmmss>, at most 63 characters. */
    static String drillName(String source, Instant now) {
        String s = source.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(now);
        String head = "drill-" + s;
        head = head.substring(0, Math.min(head.length(), 63 - stamp.length() - 1));
        return head + "-" + stamp;
    }

    private static ObjectNode request(DbreCommand parent, Common c, String name, boolean drill) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        req.put("source", c.source);
        req.put("newName", name);
        req.put("database", c.verifyDatabase(parent));
        req.put("drill", drill);
        if (c.verifyFile != null) {
            JsonNode checks;
            try {
                checks = JSON.readTree(Files.readString(c.verifyFile));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new CliException("--verify: no such file " + c.verifyFile);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CliException("--verify: " + c.verifyFile + " is not JSON: " + e.getOriginalMessage());
            }
            if (!(checks instanceof ArrayNode)) {
                throw new CliException("--verify: " + c.verifyFile + " must hold a JSON array of verification queries");
            }
            req.set("verify", checks);
        }
        return req;
    }

    /** The request fields the options set, by the option's name. */
    private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
            Map.entry("source", "--source"),
            Map.entry("targetTime", "--at"),
            Map.entry("latest", "--latest"),
            Map.entry("newName", "--name"),
            Map.entry("database", "--verify-database"),
            Map.entry("confirmProduction", "--confirm-production"),
            Map.entry("verify", "--verify"),
            Map.entry("snapshot.id", "--snapshot"),
            Map.entry("snapshot.newestOfPolicy", "--newest-of"),
            Map.entry("snapshot.newestCopyInRegion", "--newest-copy-in"));

    /** A refusal in the words of the command line: options, not request fields. */
    static String refusal(RestoreRejectedException e, Path backups) {
        String text = e.getMessage();
        for (Map.Entry<String, String> f : OPTION_OF_FIELD.entrySet()) {
            text = text.replace("(" + f.getKey() + ")", "(" + f.getValue() + ")")
                    .replace(" " + f.getKey() + " ", " " + f.getValue() + " ");
        }
        text = text.replace("(snapshot)", "(--snapshot/--newest-of/--newest-copy-in)")
                .replace(
                        "give one of targetTime (ISO-8601), latest: true, or snapshot",
                        "give --at TIME, --latest, --snapshot ID, --newest-of POLICY or --newest-copy-in REGION")
                .replace("give only one of targetTime, latest: true and snapshot", "give only one of them")
                .replace("set --confirm-production to", "pass --confirm-production");
        String hint = switch (e.error()) {
            case SOURCE_NOT_FOUND ->
                "; the sources under " + backups + " are those `dbre snapshot` made there (run-local's are"
                        + " under its own home: --home <project>/.run-local)";
            case NAME_TAKEN ->
                "; `dbre restores list` shows the kept restores, `dbre restores delete NAME` removes one";
            default -> "";
        };
        return "refused: " + text + hint;
    }

    /** A request field the options set wrong is a usage error; every other refusal a runtime one. */
    private static int refused(DbreCommand parent, RestoreRejectedException e, Path backups) {
        parent.out.println(refusal(e, backups));
        boolean usage = e.error() == dev.dbre.restore.RestoreError.BAD_REQUEST
                && e.field() != null
                && !e.field().startsWith("verify");
        return usage ? DbreCommand.EXIT_USAGE : DbreCommand.EXIT_FAILURE;
    }

    private static int drive(DbreCommand parent, Common c, ObjectNode req, boolean keepRunning) throws Exception {
        PrintStream out = parent.out;
        String password = parent.env.optional(MigrateCommand.ENV_PASSWORD);
        DbTimeouts timeouts = DbTimeouts.fromEnv(parent.env);
        Path backups = c.backupDir(parent);
        Clock clock = Clock.systemUTC();
        RestoreRequest request;
        try {
            request = RestoreRequest.parse(JSON.writeValueAsString(req));
        } catch (RestoreRejectedException e) {
            return refused(parent, e, backups);
        }
        LocalBackupProvider provider = new LocalBackupProvider(backups, Duration.ofMinutes(2));
        LocalPostgres stateServer = null;
        AtomicBoolean ended = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<java.util.UUID> runId =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread onInterrupt =
                new Thread(() -> interrupted(parent, provider, request, runId.get(), ended), "dbre-restore-interrupt");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            ConnectionFactory state;
            if (c.jdbcUrl != null) {
                Databases.connect(c.jdbcUrl, c.user, password, timeouts);
                SchemaMigrator.migrate(c.jdbcUrl, c.user, password);
                state = JdbcConnectionFactory.of(c.jdbcUrl, c.user, password, timeouts);
            } else {
                stateServer = startStateServer(backups.resolve("state"), parent.err);
                state = JdbcConnectionFactory.of(stateServer.jdbcUrl(STATE_DB), "postgres", null);
            }
            // The metric lines the functions publish are for a log pipeline: here only with --verbose.
            RestoreService service = new RestoreService(
                    provider,
                    state,
                    parent.verbose() ? new LogMetricsPublisher(System.err, clock) : (dimensions, metrics) -> {});
            long t0 = System.nanoTime();
            RestoreService.Submitted sub;
            try {
                sub = service.submit(request, clock.instant());
            } catch (RestoreRejectedException e) {
                return refused(parent, e, backups);
            }
            runId.set(sub.runId());
            out.println("run " + sub.runId() + (sub.created() ? "" : " (submitted before)") + ": "
                    + detail(service, sub.runId()));
            RestoreRun run = service.runToCompletion(
                    sub.runId(),
                    clock,
                    c.timeout,
                    Duration.ofMillis(200),
                    r -> out.printf(
                            Locale.ROOT,
                            "[%6.1f s] %-10s %s%n",
                            (System.nanoTime() - t0) / 1e9,
                            r.state(),
                            detail(service, r.runId())));
            int code = report(out, provider, run, c.verifyDatabase(parent), keepRunning);
            ended.set(true);
            if (code == DbreCommand.EXIT_OK && keepRunning && run.state() == RestoreState.VERIFIED) {
                waitUntilInterrupted(out);
            }
            return code;
        } finally {
            ended.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs now.
            }
            provider.close();
            if (stateServer != null) {
                stateServer.close();
            }
        }
    }

    /** Test seam: how --keep-running waits (production: until the JVM is told to stop). */
    static volatile Runnable keepRunningWait = () -> {
        try {
            new java.util.concurrent.CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };

    private static void waitUntilInterrupted(PrintStream out) {
        out.println("running until Ctrl-C ...");
        keepRunningWait.run();
    }

    /**
     * Ctrl-C before the run ended: a drill's server and files go (nothing of a drill is worth
     * keeping); a restore keeps its files, so the same command resumes it.
     */
    private static void interrupted(
            DbreCommand parent,
            LocalBackupProvider provider,
            RestoreRequest request,
            java.util.UUID runId,
            AtomicBoolean ended) {
        if (ended.get()) {
            return;
        }
        if (runId == null
                || !java.nio.file.Files.exists(
                        provider.baseDir().resolve("restores").resolve(request.newName()))) {
            parent.err.println("interrupted before " + request.newName() + " had any files");
            return;
        }
        if (request.drill()) {
            try {
                // Only what this run made: a name another restore holds stays (NOT_OURS).
                RestoreProvider.Deletion d = provider.delete(new RestoreTarget(runId, request.newName(), null));
                parent.err.println(
                        d == RestoreProvider.Deletion.NOT_OURS
                                ? "interrupted: " + request.newName() + " belongs to another restore; left as it is"
                                : "interrupted: removed the drill server " + request.newName() + " and its files");
            } catch (RuntimeException e) {
                parent.err.println("interrupted: could not remove the drill server " + request.newName() + " ("
                        + DbreCommand.describe(e) + "); `dbre restores delete " + request.newName() + "` removes it");
            }
        } else {
            parent.err.println("interrupted: the same command again resumes the restore " + request.newName()
                    + "; `dbre restores delete " + request.newName() + "` removes what it made");
        }
    }

    private static int report(
            PrintStream out, LocalBackupProvider provider, RestoreRun run, String database, boolean keepRunning) {
        if (!run.finished()) {
            out.println("timed out in state " + run.state() + "; run the same command again to resume");
            return DbreCommand.EXIT_FAILURE;
        }
        if (run.outcome() == RestoreState.VERIFIED) {
            out.printf(Locale.ROOT, "recovery time: %.1f s (request to verified)%n", run.recoverySeconds());
            if (run.state() == RestoreState.VERIFIED) {
                int port = provider.runningPort(run.newName()).orElse(run.endpointPort());
                Path files = provider.baseDir().resolve("restores").resolve(run.newName());
                if (keepRunning) {
                    out.println("restored server: 127.0.0.1:" + port + " (files under " + files + ")");
                    out.println("  psql -h 127.0.0.1 -p " + port + " -U postgres " + database);
                } else {
                    out.println("restored server " + run.newName() + ": stopped, files under " + files
                            + "; `dbre restores start " + run.newName() + "` runs it again, `dbre restores delete "
                            + run.newName() + "` removes it");
                }
            }
            return DbreCommand.EXIT_OK;
        }
        out.println("failed: " + run.failureReason());
        return DbreCommand.EXIT_FAILURE;
    }

    private static String detail(RestoreService service, java.util.UUID runId) {
        List<RestoreEvent> events = service.events(runId);
        return events.isEmpty() ? "" : events.getLast().detail();
    }

    static final String STATE_DB = "dbre";

    /** The embedded server holding restore_runs, kept between commands under {@code dir}. */
    static LocalPostgres startStateServer(Path dir, PrintStream notes) throws SQLException {
        LocalPostgres pg = KeptPostgres.open(
                dir,
                Map.of(),
                server -> {
                    try (Connection conn = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                                    .open();
                            Statement s = conn.createStatement()) {
                        s.execute("create database \"" + STATE_DB + "\"");
                    }
                },
                notes);
        SchemaMigrator.migrate(pg.jdbcUrl(STATE_DB), "postgres", null);
        return pg;
    }
}
