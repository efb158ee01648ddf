package dev.dbre.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.query.BeyondRetentionException;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.QueryResult;
import dev.dbre.metrics.query.StepResult;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre query 'name{tag:v}' --from -1h --step 1m --stat p99 [--json]}: reads the metric store
 * through the query API and prints one row per step. The database is {@code --jdbc-url}'s, else the
 * one kept in the home ({@link HomeDatabase}). A range past the retention of the data its step
 * reads is a usage error naming the coarser step to use (the query API refuses it).
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Reads a metric from the metric store: one row per step, a column per --stat.",
            "Selector: name or name{key:value,key:*,!key:value} (every filter must hold).",
            "Stats: count sum rate mean last min max pNN (p50, p99, p99.9) le:X (fraction of values at or"
                    + " below X) gt:X (above X) cardinality (sets) ok warning critical unknown (service checks).",
            "Quantiles come from DDSketch: within 1 %% of the exact value of their rank. le:X and gt:X count"
                    + " the values of the sketch bin that holds X as at or below X: off by at most the values"
                    + " within a factor gamma = 1.0202 (about 2 %%) of X (docs/metric-store.md).",
            "The step picks the data read: 1d, 1h or 1m multiples read the daily, hourly or 1-minute rollups,"
                    + " else the 10-second data. Each is kept a number of days (by default 800, 400, 35 and 2; see"
                    + " the README): a --from further back than its step's data is kept is"
                    + " refused with the coarser step to use, never answered with zeros.",
            "The database: --jdbc-url (migrated: dbre migrate), else the embedded PostgreSQL kept in the home (--home; a run-local"
                    + " folder such as <project>/.run-local reads what scripts/run-local stored)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:printed",
            "1:the database cannot be reached",
            "2:usage error, a range past the retention of its step's data, or a home with no database"
        })
final class QueryCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SELECTOR", description = "e.g. 'db.query.latency_ms{env:prod}'")
    String selector;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Option(
            names = "--from",
            defaultValue = "-1h",
            paramLabel = "TIME",
            description = "Start: -30m, -1h, -7d (before now) or an ISO-8601 instant (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End (exclusive): as --from; default now.")
    String to;

    @Option(
            names = "--step",
            defaultValue = "1m",
            paramLabel = "DURATION",
            description = "Step: 10s, 1m, 1h, 1d... (default: ${DEFAULT-VALUE}).")
    String step;

    @Option(
            names = "--stat",
            paramLabel = "STAT",
            split = ",",
            description = "What to print per step; repeatable or comma-separated (default: count).")
    List<String> stats = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON document instead of a table.")
    boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws SQLException, java.io.IOException {
        MetricSelector sel = usage(() -> MetricSelector.parse(selector));
        Instant now = clock.instant();
        Instant start = usage(() -> time(from, now, "--from"));
        Instant end = to == null ? now : usage(() -> time(to, now, "--to"));
        Duration stepLength = usage(() -> duration(step, "--step"));
        MetricQuery q = usage(() -> new MetricQuery(sel, start, end, stepLength));
        List<String> columns = stats.isEmpty() ? List.of("count") : stats;
        for (String c : columns) {
            usage(() -> value(c, null));
        }
        MetricStoreSettings settings = MetricStoreSettings.fromEnv(parent.env);
        try (HomeDatabase.Target db = database.connect(parent, false, "metric_series")) {
            MetricQueryService queries = new MetricQueryService(db.connections(), settings, clock);
            QueryResult r = usage(() -> {
                try {
                    return queries.query(q);
                } catch (BeyondRetentionException e) {
                    throw new IllegalArgumentException(pastRetention(e, settings.intervalSeconds()), e);
                } catch (SQLException e) {
                    throw new CliException("the query failed on " + db.where() + ": " + e.getMessage(), e);
                }
            });
            if (json) {
                printJson(r, columns);
            } else {
                printTable(r, columns);
            }
        }
        return DbreCommand.EXIT_OK;
    }

    /**
     * The query API's refusal in the command's words: "1-minute data is kept 35 days; --from -40d
     * needs --step 1h or a range within 35 days".
     */
    private String pastRetention(BeyondRetentionException e, int intervalSeconds) {
        if (e.coarserStep() == null || e.rollupBehind()) {
            return e.getMessage();
        }
        long days = e.retention().toDays();
        return e.resolution().label(intervalSeconds) + " data is kept "
                + days + " days (from " + e.keptFrom() + "); --from " + from + " needs --step " + e.coarserStep()
                + " (or a multiple of it) or a range within " + days + " days";
    }

    private void printTable(QueryResult r, List<String> columns) {
        if (r.type() == null) {
            parent.err.println("no series matches " + r.query().selector());
            return;
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-20s", "time"));
        for (String c : columns) {
            header.append(String.format(Locale.ROOT, " %14s", c));
        }
        parent.out.println(header);
        for (StepResult s : r.steps()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s", s.start()));
            for (String c : columns) {
                Double v = value(c, s);
                line.append(String.format(Locale.ROOT, " %14s", v == null ? "-" : format(v)));
            }
            parent.out.println(line);
        }
        parent.err.println(r.series() + " series of type " + r.type().code() + ", read at " + r.resolution());
    }

    private void printJson(QueryResult r, List<String> columns) throws java.io.IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        doc.put("selector", r.query().selector().toString());
        doc.put("from", r.query().from().toString());
        doc.put("to", r.query().to().toString());
        doc.put("step_seconds", r.query().step().toSeconds());
        doc.put("type", r.type() == null ? null : r.type().code());
        doc.put("series", r.series());
        doc.put("resolution", r.resolution().name());
        ArrayNode steps = doc.putArray("steps");
        for (StepResult s : r.steps()) {
            ObjectNode row = steps.addObject();
            row.put("time", s.start().toString());
            for (String c : columns) {
                Double v = value(c, s);
                if (v == null || v.isNaN()) {
                    row.putNull(c);
                } else {
                    row.put(c, v);
                }
            }
        }
        parent.out.println(mapper.writeValueAsString(doc));
    }

    /** The stat {@code name} of step {@code s}; with a null step only checks the name. */
    static Double value(String name, StepResult s) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("le:") || n.startsWith("gt:")) {
            double threshold = number(n.substring(3), name);
            return s == null ? null : n.startsWith("le:") ? s.fractionAtOrBelow(threshold) : s.fractionAbove(threshold);
        }
        if (n.startsWith("p") && n.length() > 1 && Character.isDigit(n.charAt(1))) {
            double q = number(n.substring(1), name) / 100;
            if (q < 0 || q > 1) {
                throw new IllegalArgumentException("--stat " + name + ": a percentile is between p0 and p100");
            }
            return s == null ? null : s.quantile(q);
        }
        if (s == null) {
            if (!List.of(
                            "count",
                            "sum",
                            "rate",
                            "mean",
                            "last",
                            "min",
                            "max",
                            "cardinality",
                            "ok",
                            "warning",
                            "critical",
                            "unknown")
                    .contains(n)) {
                throw new IllegalArgumentException("--stat " + name + " is not a stat: count sum rate mean last min"
                        + " max pNN le:X gt:X cardinality ok warning critical unknown");
            }
            return null;
        }
        return switch (n) {
            case "count" -> s.count();
            case "sum" -> s.sum();
            case "rate" -> s.rate();
            case "mean" -> s.mean();
            case "last" -> s.last();
            case "min" -> s.min();
            case "max" -> s.max();
            case "cardinality" -> s.cardinality();
            case "ok" -> (double) s.statusCount(0);
            case "warning" -> (double) s.statusCount(1);
            case "critical" -> (double) s.statusCount(2);
            case "unknown" -> (double) s.statusCount(3);
            default -> throw new IllegalArgumentException("--stat " + name + " is not a stat");
        };
    }

    private static double number(String text, String stat) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--stat " + stat + ": '" + text + "' is not a number");
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? String.valueOf((long) v)
                : String.format(Locale.ROOT, "%.4g", v);
    }

    /** -30m, -1h, -7d relative to now, or an ISO-8601 instant. */
    static Instant time(String text, Instant now, String option) {
        String t = text.strip();
        if (t.startsWith("-")) {
            return now.minus(duration(t.substring(1), option));
        }
        if (t.equals("now")) {
            return now;
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + " '" + text + "' is neither -<duration> (e.g. -1h) nor an ISO-8601 instant");
        }
    }

    /** 10s, 5m, 1h, 2d. */
    static Duration duration(String text, String option) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.length() >= 2) {
            char unit = t.charAt(t.length() - 1);
            try {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                if (n > 0) {
                    switch (unit) {
                        case 's':
                            return Duration.ofSeconds(n);
                        case 'm':
                            return Duration.ofMinutes(n);
                        case 'h':
                            return Duration.ofHours(n);
                        case 'd':
                            return Duration.ofDays(n);
                        default:
                            break;
                    }
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException(option + " '" + text + "' is not a duration such as 10s, 5m, 1h or 2d");
    }

    /** Runs {@code step}; its IllegalArgumentException is a usage error (exit 2) with its message. */
    private <T> T usage(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
