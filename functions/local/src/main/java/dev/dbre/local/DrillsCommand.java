package dev.dbre.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicySource;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.ProviderException;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.ScheduledDrills;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre drills}: the fleet drills of a backup policy on the local provider, as the cloud drill
 * functions run them when {@code DBRE_DRILL_REQUEST_FILE} is unset ({@link ScheduledDrills}): each
 * tick starts the drills that are due and advances the running ones one step. The local database
 * (under {@code <home>/source}) is started and attached as {@code dbre snapshot} does; the runs are
 * kept in the state server under {@code <home>/backup/state}, where {@code dbre restores} reads them.
 */
@Command(
        name = "drills",
        mixinStandardHelpOptions = true,
        description = {
            "Fleet restore drills by backup policy (its drill: rule): each tick starts the drills that are due"
                    + " (never drilled first, then the oldest verified, at most maxConcurrent) and advances the"
                    + " running ones one step; --until-done ticks until none runs. Prints each tick's JSON and"
                    + " each database's last verified drill."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every tick went through", "1:the policy is invalid or a drill failed", "2:usage error"})
final class DrillsCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The backup policy (YAML or JSON).")
    Path policyFile;

    @Mixin
    Home home = new Home();

    @Option(
            names = "--source",
            defaultValue = "local",
            paramLabel = "ID",
            description = "The local database's id (default: ${DEFAULT-VALUE}); the policy must select it.")
    String source;

    @Option(names = "--until-done", description = "Tick every --poll until no drill of the policy runs.")
    boolean untilDone;

    @Option(
            names = "--poll",
            defaultValue = "PT0.2S",
            paramLabel = "DURATION",
            converter = OptionTypes.DurationType.class,
            description = "The time between ticks with --until-done (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(
            names = "--timeout",
            defaultValue = "PT10M",
            paramLabel = "DURATION",
            converter = OptionTypes.DurationType.class,
            description = "With --until-done: give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** Test seam: the clock the drills are named and timed by. */
    static volatile Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        Path homeDir = home.resolve(parent.env);
        PolicySource policy =
                new PolicySource("--policy", PolicyLocation.parse(policyFile.toString()), PolicySource.FILES);
        policy.load();
        parent.err.println("starting the local database " + source + " under " + homeDir.resolve("source") + " ...");
        try (LocalSnapshotSource local = LocalSnapshotSource.open(homeDir, source, Map.of(), parent.err);
                LocalPostgres stateServer =
                        RestoreCommand.startStateServer(Home.backupDir(homeDir).resolve("state"), parent.err)) {
            ConnectionFactory state =
                    JdbcConnectionFactory.of(stateServer.jdbcUrl(RestoreCommand.STATE_DB), "postgres", null);
            LogMetricsPublisher metrics = new LogMetricsPublisher(parent.err, clock);
            RestoreService service = new RestoreService(local.provider, state, metrics);
            FleetDrills fleet = new FleetDrills(
                    service, local.provider, (db, database) -> sourceLogin(local, db.id(), database), state, metrics);
            ScheduledDrills drills = ScheduledDrills.fleet(fleet, policy);
            boolean failed = false;
            Instant giveUp = clock.instant().plus(timeout);
            while (true) {
                ObjectNode tick = drills.tick(clock, Duration.ofMinutes(1));
                parent.out.println(tick);
                failed |= !tick.path("failures").isEmpty();
                boolean running = false;
                for (var run : tick.path("runs")) {
                    String s = run.path("state").asText();
                    running |= !s.equals("CLEANED_UP") && !s.equals("CLEANUP_FAILED");
                    failed |= "FAILED".equals(run.path("outcome").asText());
                }
                if (!untilDone || !running || clock.instant().isAfter(giveUp)) {
                    break;
                }
                Thread.sleep(poll.toMillis());
            }
            printStatus(state);
            return failed ? DbreCommand.EXIT_FAILURE : DbreCommand.EXIT_OK;
        }
    }

    /** The attached local database is the only source this runtime can log in to. */
    private static ConnectionFactory sourceLogin(LocalSnapshotSource local, String id, String database) {
        if (!local.database.id().equals(id)) {
            throw new ProviderException(
                    dev.dbre.port.ProviderError.NOT_FOUND, "NotFound", "no running local database " + id, null);
        }
        return JdbcConnectionFactory.of(local.server.jdbcUrl(database), "postgres", null);
    }

    /** One line per database: its last verified drill, kind, recovery time, and the last 30 days. */
    private void printStatus(ConnectionFactory state) throws SQLException {
        try (Connection c = state.open();
                PreparedStatement ps = c.prepareStatement("select policy, database_id, last_verified_at,"
                        + " last_verified_kind, last_recovery_seconds, last_over_rto, drills, verified"
                        + " from drill_status(?, 30) order by policy, database_id")) {
            ps.setObject(1, clock.instant().atOffset(java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parent.out.printf(
                            java.util.Locale.ROOT,
                            "%s %s: last verified drill %s (%s, %s s%s); last 30 days: %d drills, %d verified%n",
                            rs.getString(1),
                            rs.getString(2),
                            rs.getTimestamp(3) == null
                                    ? "never"
                                    : rs.getTimestamp(3).toInstant(),
                            rs.getString(4) == null ? "-" : rs.getString(4),
                            rs.getString(5) == null ? "-" : rs.getBigDecimal(5).toPlainString(),
                            rs.getBoolean(6) ? ", over the RTO" : "",
                            rs.getLong(7),
                            rs.getLong(8));
                }
            }
        }
    }
}
