package dev.dbre.local;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dbre maintain --jdbc-url URL}: one run of the metric store's maintenance. */
@Command(
        name = "maintain",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the metric store's maintenance once: creates the partitions of the coming days, rolls the"
                    + " interval aggregates up into 1-minute and 1-hour rows (late points included), drops the"
                    + " partitions past their retention (days per resolution: see the README). Safe to run at any time and"
                    + " from two schedulers at once."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the database cannot be reached, or a step failed (run it again)", "2:usage error"})
final class MaintainCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL", converter = Databases.UrlConverter.class)
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER", description = "Database user (default: the driver's).")
    String user;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        MetricStoreSettings settings = MetricStoreSettings.fromEnv(parent.env);
        MaintenanceService maintenance = new MaintenanceService(
                Databases.connect(jdbcUrl, user, parent.env.optional(MigrateCommand.ENV_PASSWORD), "metric_series"),
                settings);
        MaintenanceService.Report r;
        try {
            r = maintenance.run(clock.instant());
        } catch (SQLException e) {
            throw new CliException(
                    "maintenance failed on " + Databases.target(jdbcUrl) + " ("
                            + Databases.firstLine(String.valueOf(e.getMessage())) + "); running it again is safe",
                    e);
        }
        parent.out.println("partitions created: "
                + (r.partitionsCreated().isEmpty() ? "none" : String.join(", ", r.partitionsCreated())));
        parent.out.println("minutes rolled up: " + r.minutesRolled());
        parent.out.println("hours rolled up: " + r.hoursRolled());
        parent.out.println("days rolled up: " + r.daysRolled());
        parent.out.println("partitions dropped: "
                + (r.partitionsDropped().isEmpty() ? "none" : String.join(", ", r.partitionsDropped())));
        return DbreCommand.EXIT_OK;
    }
}
