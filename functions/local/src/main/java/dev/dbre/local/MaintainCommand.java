package dev.dbre.local;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre maintain [--jdbc-url URL | --home DIR]}: one run of the metric store's maintenance on a
 * database ({@code --jdbc-url}'s, else the one kept in the home: {@link HomeDatabase}).
 */
@Command(
        name = "maintain",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the metric store's maintenance once: creates the partitions of the coming days, rolls the"
                    + " interval aggregates up into 1-minute, 1-hour and 1-day rows (late points included), drops"
                    + " the partitions past their retention (days per resolution: see the README). Safe to run at any"
                    + " time and from two schedulers at once.",
            "The database: --jdbc-url (migrated: dbre migrate), else the embedded PostgreSQL kept in the"
                    + " home (--home)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the database cannot be reached, or a step failed (run it again)",
            "2:usage error, or a home with no database"
        })
final class MaintainCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        MetricStoreSettings settings = MetricStoreSettings.fromEnv(parent.env);
        MaintenanceService.Report r;
        try (HomeDatabase.Target db = database.connect(parent, false, "metric_series")) {
            MaintenanceService maintenance = new MaintenanceService(db.connections(), settings);
            try {
                r = maintenance.run(clock.instant());
            } catch (SQLException e) {
                throw new CliException(
                        "maintenance failed on " + db.where() + " ("
                                + Databases.firstLine(String.valueOf(e.getMessage())) + "); running it again is safe",
                        e);
            }
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
