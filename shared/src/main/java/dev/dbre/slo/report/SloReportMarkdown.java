package dev.dbre.slo.report;

import static dev.dbre.slo.report.Format.amount;
import static dev.dbre.slo.report.Format.decimal;
import static dev.dbre.slo.report.Format.percent;
import static dev.dbre.slo.report.Format.time;

import dev.dbre.slo.SloReport;
import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.SloReport.BurnRate;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloReport.PastPeriod;
import java.util.List;
import java.util.Map;

/** The report as Markdown, for a ticket or a chat message: a summary table, then one section per SLO. */
public final class SloReportMarkdown {
    private SloReportMarkdown() {}

    public static String write(SloReport report) {
        StringBuilder md = new StringBuilder();
        List<Entry> entries = Format.byBudgetLeft(report.slos());
        long firing = entries.stream()
                .filter(e -> e.alerts().stream().anyMatch(Alert::firing))
                .count();
        md.append("# SLO report at ").append(time(report.at())).append("\n\n");
        md.append(entries.size())
                .append(" objectives, ")
                .append(firing)
                .append(" with an alert firing. Sorted by budget left.\n\n");
        md.append("| SLO | Service | Window | Objective | SLI | Budget left | Alerts |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Entry e : entries) {
            row(
                    md,
                    e.name(),
                    e.service(),
                    Format.window(e),
                    e.objective(),
                    percent(e.sli()),
                    percent(e.budget().remaining()),
                    Format.alerts(e));
        }
        for (Entry e : entries) {
            section(md, e);
        }
        md.append("\n_Schema version ")
                .append(report.schemaVersion())
                .append(", generated ")
                .append(time(report.generatedAt()))
                .append("._\n");
        return md.toString();
    }

    private static void section(StringBuilder md, Entry e) {
        md.append("\n## ")
                .append(cell(e.name()))
                .append(": ")
                .append(cell(e.objective()))
                .append("\n\n");
        if (e.displayName() != null) {
            md.append(cell(e.displayName())).append(". ");
        }
        md.append("Service ")
                .append(cell(e.service()))
                .append(", indicator ")
                .append(cell(e.indicator()))
                .append(", ")
                .append(e.budgetingMethod())
                .append(".\n\n");
        md.append("- Window: ")
                .append(Format.window(e))
                .append(", ")
                .append(time(e.window().from()))
                .append(" to ")
                .append(time(e.window().to()));
        if (!e.window().to().equals(e.window().periodEnd())) {
            md.append(" (the period ends ").append(time(e.window().periodEnd())).append(")");
        }
        md.append("\n");
        if (e.window().hourGrainUntil() != null) {
            md.append("- Read at hour grain until ")
                    .append(time(e.window().hourGrainUntil()))
                    .append(": ")
                    .append(Format.hourGrainNote(e))
                    .append("\n");
        }
        String what = e.budgetingMethod().equals("Occurrences") ? "events" : "slices with data";
        md.append("- SLI: ")
                .append(percent(e.sli()))
                .append(" (")
                .append(decimal(e.counts().good(), 2))
                .append(" good of ")
                .append(decimal(e.counts().total(), 2))
                .append(" ")
                .append(what);
        if (e.counts().slicesWithoutData() > 0) {
            md.append("; ").append(e.counts().slicesWithoutData()).append(" steps without data, neither good nor bad");
        }
        md.append(")\n");
        md.append("- Error budget: ")
                .append(percent(e.budget().total()))
                .append(" = ")
                .append(amount(e.budget().totalAmount(), e.budget().unit()))
                .append("; spent ")
                .append(amount(e.budget().consumedAmount(), e.budget().unit()))
                .append(" (")
                .append(percent(e.budget().consumed()))
                .append("), left ")
                .append(amount(e.budget().remainingAmount(), e.budget().unit()))
                .append(" (")
                .append(percent(e.budget().remaining()))
                .append(")\n");
        if (!e.enoughData()) {
            md.append("- **Not enough data**: fewer than 1 / (1 - target) ")
                    .append(what)
                    .append(" in the window, so one bad event could spend the whole budget.\n");
        }
        md.append("- Burn rates:");
        for (Map.Entry<String, BurnRate> b : e.burnRates().entrySet()) {
            md.append(" ")
                    .append(b.getKey())
                    .append(" ")
                    .append(burn(b.getValue()))
                    .append(";");
        }
        md.setLength(md.length() - 1);
        md.append("\n\n");
        md.append("| Alert | Severity | Windows | Threshold | Long burn | Short burn | State |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Alert a : e.alerts()) {
            row(
                    md,
                    a.name(),
                    a.severity(),
                    a.longWindow() + " / " + a.shortWindow(),
                    decimal(a.threshold(), 2),
                    a.longBurnRate() == null ? "no data" : decimal(a.longBurnRate(), 2),
                    a.shortBurnRate() == null ? "no data" : decimal(a.shortBurnRate(), 2),
                    a.firing() ? "**FIRING**" : a.status());
        }
        if (!e.history().isEmpty()) {
            md.append("\n| Past period | SLI | Budget left |\n|---|---|---|\n");
            for (PastPeriod p : e.history()) {
                row(
                        md,
                        time(p.from()) + " to " + time(p.to()),
                        percent(p.sli()) + (p.enoughData() ? "" : " (not enough data)"),
                        percent(p.budgetRemaining()));
            }
        }
    }

    private static String burn(BurnRate b) {
        return b.burnRate() == null ? b.status() : decimal(b.burnRate(), 2);
    }

    private static void row(StringBuilder md, String... cells) {
        md.append("|");
        for (String c : cells) {
            md.append(" ").append(cell(c)).append(" |");
        }
        md.append("\n");
    }

    /** Text in a table cell: a pipe or a line break would end the cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
