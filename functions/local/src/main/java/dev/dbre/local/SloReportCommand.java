package dev.dbre.local;

import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.port.AlertNotifier;
import dev.dbre.slo.AlertStateStore;
import dev.dbre.slo.ReportFormat;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SliData;
import dev.dbre.slo.SloReportConfig;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary;
import dev.dbre.slo.SloRunSummary.SloLine;
import dev.dbre.slo.data.DatabaseSliData;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.slo.publish.WebhookNotifier;
import dev.dbre.slo.spec.SloSpecException;
import dev.dbre.slo.spec.SloSpecSet;
import dev.dbre.slo.spec.SloSpecs;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre slo-report --spec DIR|FILE --out DIR [--jdbc-url URL | --home DIR] [--at TIME | --from
 * T --to T] [--format json,md,html] [--notify URL]}: one run of the SLO report over a database
 * ({@code --jdbc-url}'s, else the one kept in the home: {@link HomeDatabase}).
 */
@Command(
        name = "slo-report",
        mixinStandardHelpOptions = true,
        description = {
            "Computes the SLO report of a set of OpenSLO specs over the metric store and the functions' records,"
                    + " writes it to a folder (<stamp>/slo-report.<format>, and a copy under latest/), and prints"
                    + " each SLO's budget left and the alerts that fire.",
            "The alert state is kept in the database: with --notify, a webhook is told only when an alert starts"
                    + " or stops firing.",
            "A bad spec prints every problem with its file, line and field, and exits 2 before anything is read.",
            "The database: --jdbc-url (migrated: dbre migrate), else the embedded PostgreSQL kept in the home (--home; a run-local"
                    + " folder such as <project>/.run-local re-reports what scripts/run-local stored)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:reported",
            "1:the database cannot be reached, the folder cannot be written, or the webhook failed",
            "2:usage error, an invalid spec, or a home with no database"
        })
final class SloReportCommand implements Callable<Integer> {
    /** How the command reads numbers; tests swap in data held in memory (see SloReportCommandTest). */
    static Function<DataSource, SliData> sliData = DatabaseSliData::new;

    @ParentCommand
    DbreCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--spec",
            required = true,
            paramLabel = "DIR|FILE",
            description = "OpenSLO YAML: a file or a folder.")
    Path specPath;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder reports are written to.")
    Path out;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Option(
            names = "--at",
            paramLabel = "TIME",
            description = "Report as of this time: an ISO-8601 instant, now, or -<duration> (default: now).")
    String at;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "With --to: evaluate every SLO over this one window instead of its own (whole minutes).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "The end of the --from window.")
    String to;

    @Option(
            names = "--format",
            defaultValue = ReportFormat.ALL,
            paramLabel = "LIST",
            description = "json, md, html, comma-separated (default: ${DEFAULT-VALUE}).")
    String formats;

    @Option(
            names = "--notify",
            paramLabel = "URL",
            description = "An https:// webhook told when an alert starts or stops firing (JSON POST).")
    String notify;

    @Option(
            names = "--min-events",
            paramLabel = "N",
            description = "The fewest events (or slices with data) a paging alert's long window needs before it"
                    + " may fire, for every SLO (default: derived per rule, so that one bad event alone"
                    + " cannot page; see docs/slo.md, Low traffic). Also DBRE_SLO_MIN_EVENTS.")
    String minEvents;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        Instant now = clock.instant();
        When when = usage(() -> when(now));
        Set<ReportFormat> chosen = usage(() -> ReportFormat.parseList(formats));
        ReportSettings settings = usage(() -> minEvents != null
                ? ReportSettings.DEFAULTS.withMinEvents(ReportSettings.parseMinEvents("--min-events", minEvents))
                : ReportSettings.fromEnv(parent.env));
        AlertNotifier notifier = notify == null
                ? AlertNotifier.NONE
                : usage(() -> {
                    SloReportConfig.Notify n = SloReportConfig.notifyTarget(notify);
                    if (n.kind() != SloReportConfig.NotifyKind.WEBHOOK) {
                        throw new IllegalArgumentException("--notify takes an https:// webhook URL here");
                    }
                    return new WebhookNotifier(URI.create(n.target()), WebhookNotifier.TIMEOUT);
                });
        SloSpecSet specs;
        try {
            specs = SloSpecs.load(specPath);
        } catch (SloSpecException e) {
            parent.err.println(spec.qualifiedName() + ": the SLO specs in " + specPath + " are invalid:");
            parent.err.println(e.getMessage());
            return DbreCommand.EXIT_USAGE;
        } catch (UncheckedIOException e) {
            throw new CliException(e.getMessage(), e);
        }
        try (HomeDatabase.Target target = database.connect(parent, false, "metric_series", "slo_alert_state")) {
            JdbcConnectionFactory db = target.connections();
            SloReportService service = new SloReportService(
                    sliData.apply(new ConnectionFactoryDataSource(db)),
                    settings,
                    new FolderPublisher(out),
                    notifier,
                    new AlertStateStore(db),
                    (dimensions, metrics) -> {},
                    clock);
            SloRunSummary summary = service.run(specs, when, chosen);
            print(summary);
        }
        return DbreCommand.EXIT_OK;
    }

    private When when(Instant now) {
        if (from != null || to != null) {
            if (from == null || to == null || at != null) {
                throw new IllegalArgumentException("--from and --to go together, and not with --at");
            }
            return When.over(QueryCommand.time(from, now, "--from"), QueryCommand.time(to, now, "--to"));
        }
        return When.at(at == null ? now : QueryCommand.time(at, now, "--at"));
    }

    private void print(SloRunSummary s) {
        parent.out.println("SLO report at " + s.at());
        for (SloLine l : s.slos()) {
            String budget = l.budgetRemaining() == null
                    ? "no data"
                    : String.format(java.util.Locale.ROOT, "%.1f%%", l.budgetRemaining() * 100);
            parent.out.println("  " + l.slo() + " (" + l.objective() + "): budget left " + budget
                    + (l.enoughData() ? "" : " (not enough data)") + "; alerts firing: "
                    + (l.firing().isEmpty() ? "none" : String.join(", ", l.firing())));
        }
        s.changes()
                .forEach(c -> parent.out.println("  alert " + (c.firing() ? "started" : "resolved") + ": " + c.slo()
                        + " " + c.alert() + " (" + c.severity() + ")" + (c.reason() == null ? "" : ": " + c.reason())));
        for (Map.Entry<String, String> r : s.reports().entrySet()) {
            parent.out.println("report " + r.getKey() + ": " + r.getValue());
        }
    }

    private <T> T usage(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException | dev.dbre.config.ConfigException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
