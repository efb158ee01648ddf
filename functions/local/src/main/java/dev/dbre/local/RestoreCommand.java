package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.local.LocalBackupProvider;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.db.LocalPostgres;
import dev.dbre.obs.LogMetricsPublisher;
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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre restore} and {@code dbre drill}: point-in-time restore from the local provider's
 * base backups and archived WAL, driven through the same state machine as the cloud functions,
 * with a line per transition and the recovery time at the end.
 */
final class RestoreCommand {
    private RestoreCommand() {}

    /** What both commands share: where the backups and the runs live. */
    static final class Common {
        @Option(
                names = "--base-dir",
                defaultValue = ".run-local/backup",
                paramLabel = "DIR",
                description = "The local provider's folder: sources' archived WAL, snapshots, restored servers"
                        + " (default: ${DEFAULT-VALUE}, what run-local leaves).")
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
                names = "--database",
                defaultValue = "postgres",
                paramLabel = "DB",
                description = "The database the verification queries run in (default: ${DEFAULT-VALUE}).")
        String database;

        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                description = "Where restore runs are recorded (schema applied if needed; password from "
                        + MigrateCommand.ENV_PASSWORD + "). Default: an embedded server under <base-dir>/state.")
        String jdbcUrl;

        @Option(names = "--user", paramLabel = "USER", description = "User for --jdbc-url.")
        String user;

        @Option(
                names = "--timeout",
                defaultValue = "PT30M",
                paramLabel = "DURATION",
                description = "Give up waiting after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
        Duration timeout;
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = {
                "Restores a database to a point in time as a new server (127.0.0.1, its own port), verifies it and"
                        + " prints the recovery time.",
                "The restored server runs while this command runs; its files stay under <base-dir>/restores/<name>"
                        + " (a later restore or drill command with the same --base-dir starts it again)."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:restored and verified",
                "1:refused (the rule is named), failed (the reason is printed), or timed out",
                "2:usage error"
            })
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        DbreCommand parent;

        @Mixin
        Common common = new Common();

        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Option(
                    names = "--at",
                    paramLabel = "TIME",
                    description = "ISO-8601 time with a zone, e.g. 2026-11-23T22:43:01Z.")
            String at;

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

        @Override
        public Integer call() throws Exception {
            ObjectNode req = request(common, name, false);
            if (target.at != null) {
                req.put("targetTime", target.at);
            } else {
                req.put("latest", true);
            }
            if (confirmProduction != null) {
                req.put("confirmProduction", confirmProduction);
            }
            return drive(
                    parent.out,
                    parent.env.optional(MigrateCommand.ENV_PASSWORD),
                    DbTimeouts.fromEnv(parent.env),
                    common,
                    req);
        }
    }

    @Command(
            name = "drill",
            mixinStandardHelpOptions = true,
            description = "A restore drill: restores (to --at, or the latest time), verifies, prints the recovery time,"
                    + " then stops the restored server and removes its files.",
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

        @Option(names = "--at", paramLabel = "TIME", description = "ISO-8601 time with a zone (default: the latest).")
        String at;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                description = "The drill server's name (default: drill-<source>-<UTC yyyymmdd-hhmmss>).")
        String name;

        @Override
        public Integer call() throws Exception {
            Clock clock = Clock.systemUTC();
            String n = name != null ? name : drillName(common.source, clock.instant());
            ObjectNode req = request(common, n, true);
            if (at != null) {
                req.put("targetTime", at);
            } else {
                req.put("latest", true);
            }
            return drive(
                    parent.out,
                    parent.env.optional(MigrateCommand.ENV_PASSWORD),
                    DbTimeouts.fromEnv(parent.env),
                    common,
                    req);
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

    private static ObjectNode request(Common c, String name, boolean drill) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        req.put("source", c.source);
        req.put("newName", name);
        req.put("database", c.database);
        req.put("drill", drill);
        if (c.verifyFile != null) {
            JsonNode checks = JSON.readTree(Files.readString(c.verifyFile));
            if (!(checks instanceof ArrayNode)) {
                throw new IllegalArgumentException(c.verifyFile + " must hold a JSON array of verification queries");
            }
            req.set("verify", checks);
        }
        return req;
    }

    private static int drive(PrintStream out, String password, DbTimeouts timeouts, Common c, ObjectNode req)
            throws Exception {
        Clock clock = Clock.systemUTC();
        RestoreRequest request;
        try {
            request = RestoreRequest.parse(JSON.writeValueAsString(req));
        } catch (RestoreRejectedException e) {
            out.println("refused: " + e.getMessage());
            return DbreCommand.EXIT_FAILURE;
        }
        LocalBackupProvider provider = new LocalBackupProvider(c.baseDir, Duration.ofMinutes(2));
        LocalPostgres stateServer = null;
        try {
            ConnectionFactory state;
            if (c.jdbcUrl != null) {
                SchemaMigrator.migrate(c.jdbcUrl, c.user, password);
                state = JdbcConnectionFactory.of(c.jdbcUrl, c.user, password, timeouts);
            } else {
                stateServer = startStateServer(c.baseDir.resolve("state"));
                state = stateServer.connectionFactory(STATE_DB);
            }
            RestoreService service = new RestoreService(provider, state, new LogMetricsPublisher(System.err, clock));
            long t0 = System.nanoTime();
            RestoreService.Submitted sub;
            try {
                sub = service.submit(request, clock.instant());
            } catch (RestoreRejectedException e) {
                out.println("refused: " + e.getMessage());
                return DbreCommand.EXIT_FAILURE;
            }
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
            return report(out, provider, run);
        } finally {
            provider.close();
            if (stateServer != null) {
                stateServer.close();
            }
        }
    }

    private static int report(PrintStream out, LocalBackupProvider provider, RestoreRun run) {
        if (!run.finished()) {
            out.println("timed out in state " + run.state() + "; run the same command again to resume");
            return DbreCommand.EXIT_FAILURE;
        }
        if (run.outcome() == RestoreState.VERIFIED) {
            out.printf(Locale.ROOT, "recovery time: %.1f s (request to verified)%n", run.recoverySeconds());
            if (run.state() == RestoreState.VERIFIED) {
                out.println("restored server: 127.0.0.1:"
                        + provider.runningPort(run.newName()).orElse(run.endpointPort())
                        + " (stops when this command ends; files under "
                        + provider.baseDir().resolve("restores").resolve(run.newName()) + ")");
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
    static LocalPostgres startStateServer(Path dir) throws SQLException {
        Path data = dir.toAbsolutePath().resolve("data");
        boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
        LocalPostgres pg = fresh
                ? LocalPostgres.start(dir, 0, Map.of())
                : LocalPostgres.startExisting(
                        data, dir, 0, Map.of(), dir.resolve("server.log"), Duration.ofSeconds(60));
        if (fresh) {
            try (Connection conn = pg.connectionFactory("postgres").open();
                    Statement s = conn.createStatement()) {
                s.execute("create database \"" + STATE_DB + "\"");
            }
        }
        SchemaMigrator.migrate(pg.jdbcUrl(STATE_DB), "postgres", null);
        return pg;
    }
}
