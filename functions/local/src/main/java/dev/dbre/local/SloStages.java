package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.port.AlertNotifier;
import dev.dbre.slo.AlertStateStore;
import dev.dbre.slo.ReportFormat;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary;
import dev.dbre.slo.data.DatabaseSliData;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.slo.spec.SloSpecSet;
import dev.dbre.slo.spec.SloSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * run-local's last stage: the product's own SLO set ({@code /run-local/slo/}, the examples of
 * docs/examples/slo tuned to a one-minute run) over what the run did, through the same {@link
 * SloReportService} the scheduled functions run, written as JSON, Markdown and HTML to {@code
 * --out} by the folder publisher. It reads only the tables the other stages wrote, and checks each
 * file (the JSON against docs/slo-report.schema.json). A breached SLO is a finding, not a failure.
 */
final class SloStages {
    static final String SPEC_DIR = "/run-local/slo/";
    static final List<String> SPEC_FILES = List.of("ingest.yaml", "backup.yaml", "drill.yaml", "rotation.yaml");

    /** docs/slo-report.schema.json, packaged beside the specs by the module's build. */
    static final String SCHEMA_RESOURCE = "/run-local/slo-report.schema.json";

    /**
     * The defaults without past calendar periods: the run's database is new, so they are empty, and
     * sweeping three past quarters of 1-minute steps would take most of the stage's time.
     */
    static final ReportSettings SETTINGS = new ReportSettings(
            ReportSettings.DEFAULTS.step(),
            0,
            ReportSettings.DEFAULTS.minEvents(),
            ReportSettings.DEFAULTS.chartPoints());

    private static final ObjectMapper JSON = new ObjectMapper();

    private SloStages() {}

    static String report(RunContext ctx) throws Exception {
        long started = System.nanoTime();
        SloSpecSet specs = SloSpecs.parse(specTexts());
        Path out = ctx.options.outDir().toAbsolutePath();
        SloReportService service = new SloReportService(
                new DatabaseSliData(new ConnectionFactoryDataSource(ctx.db), ctx.metricStore.intervalSeconds()),
                SETTINGS,
                new FolderPublisher(out),
                AlertNotifier.NONE,
                new AlertStateStore(ctx.db),
                ctx.metrics,
                ctx.clock);
        SloRunSummary summary =
                service.run(specs, When.at(reportTime(ctx.clock.instant())), EnumSet.allOf(ReportFormat.class));
        long computed = System.nanoTime();
        JsonNode report = checkFiles(summary, specs);
        ctx.verbose("report: " + summary.reports().get("html") + " (also .json and .md; the newest is in "
                + out.resolve("latest") + ")");
        ctx.figure("SLO report", summary.reports().get("html") + " (also .json, .md; newest in latest/)");
        ctx.verbose("computed and written in " + LocalRun.seconds(computed - started) + ", files checked in "
                + LocalRun.seconds(System.nanoTime() - computed));
        for (JsonNode slo : report.get("slos")) {
            ctx.verbose(slo.get("name").asText() + " " + line(slo));
            ctx.figure("SLO " + slo.get("name").asText(), line(slo));
        }
        int firing = summary.alertsFiring();
        return String.format(
                Locale.ROOT,
                "%d SLOs reported at %s; %d alert(s) firing",
                report.get("slos").size(),
                summary.at(),
                firing);
    }

    /**
     * The end of the current minute. A report counts whole steps only (a window ends at the last
     * whole step before its time), and the run lasts about a minute: at "now", its last seconds —
     * the rotation, the snapshot and the drill — would not count yet.
     */
    static Instant reportTime(Instant now) {
        long minute = Duration.ofMinutes(1).toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), minute) * minute + minute);
    }

    /** The spec files, by name, from the classpath. */
    static Map<String, String> specTexts() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : SPEC_FILES) {
            files.put(SPEC_DIR + name, resource(SPEC_DIR + name));
        }
        return files;
    }

    /**
     * Checks every file the run wrote: present, the JSON valid against the schema with one entry per
     * SLO objective, the Markdown and the HTML naming every SLO.
     *
     * @return the JSON report
     * @throws IllegalStateException naming the file and what is wrong with it
     */
    static JsonNode checkFiles(SloRunSummary summary, SloSpecSet specs) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        for (ReportFormat f : ReportFormat.values()) {
            String location = summary.reports().get(f.extension());
            if (location == null || !Files.isRegularFile(Path.of(location))) {
                throw new IllegalStateException("the SLO report's " + f.extension() + " file is missing: " + location);
            }
            files.put(f.extension(), Path.of(location));
        }
        String json = Files.readString(files.get("json"), StandardCharsets.UTF_8);
        List<Error> errors = schema().validate(json, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(files.get("json") + " does not match docs/slo-report.schema.json: "
                    + errors.stream()
                            .limit(5)
                            .map(e -> e.getInstanceLocation() + " " + e.getMessage())
                            .toList());
        }
        JsonNode report = JSON.readTree(json);
        int objectives =
                specs.slos().stream().mapToInt(s -> s.objectives().size()).sum();
        if (report.get("slos").size() != objectives) {
            throw new IllegalStateException(files.get("json") + " holds "
                    + report.get("slos").size() + " SLO objectives, the specs " + objectives);
        }
        String md = Files.readString(files.get("md"), StandardCharsets.UTF_8);
        String html = Files.readString(files.get("html"), StandardCharsets.UTF_8);
        if (!html.stripLeading().regionMatches(true, 0, "<!doctype html>", 0, 15)
                || !html.stripTrailing().endsWith("</html>")) {
            throw new IllegalStateException(files.get("html") + " is not a whole HTML page");
        }
        List<String> missing = new ArrayList<>();
        for (var slo : specs.slos()) {
            if (!md.contains(slo.name())) {
                missing.add(slo.name() + " in " + files.get("md"));
            }
            if (!html.contains(slo.name())) {
                missing.add(slo.name() + " in " + files.get("html"));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the SLO report does not name " + String.join(", ", missing));
        }
        return report;
    }

    /** One SLO objective: its SLI, budget left, and the alerts that fire. */
    static String line(JsonNode slo) {
        String sli =
                slo.get("sli").isNull() ? "no data" : percent(slo.get("sli").asDouble());
        JsonNode remaining = slo.get("budget").get("remaining");
        String budget = remaining.isNull() ? "no data" : percent(remaining.asDouble());
        List<String> firing = new ArrayList<>();
        for (JsonNode a : slo.get("alerts")) {
            if (a.get("firing").asBoolean()) {
                firing.add(a.get("name").asText() + " (" + a.get("severity").asText() + ")");
            }
        }
        return String.format(
                Locale.ROOT,
                "SLI %-8s target %-7s budget left %-8s alerts firing: %s%s",
                sli,
                percent(slo.get("target").asDouble()),
                budget,
                firing.isEmpty() ? "none" : String.join(", ", firing),
                slo.get("enoughData").asBoolean() ? "" : " (not enough data to alert)");
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    private static Schema schema() throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(resource(SCHEMA_RESOURCE));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SloStages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
