package dev.dbre.slo.report;

import static dev.dbre.slo.report.Format.decimal;
import static dev.dbre.slo.report.Format.percent;
import static dev.dbre.slo.report.Format.time;
import static dev.dbre.slo.report.Html.escape;

import dev.dbre.slo.SloReport;
import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.SloReport.BurnRate;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloReport.PastPeriod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report as one self-contained HTML page: no script, no external asset, readable offline. A
 * summary table sorted by budget left, then per SLO its tiles, three charts drawn as inline SVG
 * (SLI with the target, budget burn-down with the ideal line, burn rate per alert window with the
 * thresholds), the alert table and past periods. States are written as words; colour only repeats them.
 */
public final class SloReportHtml {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1a1a1a;max-width:60rem}
            table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}
            th{background:#f0f0f0}td.num{text-align:right}.firing{color:#b00020;font-weight:bold}.nodata{color:#6b4e00}
            .tiles{display:flex;flex-wrap:wrap;gap:.8rem}.tile{border:1px solid #bbb;border-radius:4px;padding:.5rem .8rem;min-width:9rem}
            .tile b{display:block;font-size:1.3rem}svg.chart{width:100%;height:auto;font-size:11px}
            .legend span{margin-right:1rem;white-space:nowrap}section{border-top:2px solid #ddd;margin-top:2rem}
            """;

    private SloReportHtml() {}

    public static String write(SloReport report) {
        List<Entry> entries = Format.byBudgetLeft(report.slos());
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.append(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        h.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.append("<title>SLO report at ")
                .append(escape(time(report.at())))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        h.append("<h1>SLO report at ").append(escape(time(report.at()))).append("</h1>\n");
        h.append("<p>")
                .append(entries.size())
                .append(" objectives, sorted by budget left (least first). Generated ")
                .append(escape(time(report.generatedAt())))
                .append(", schema version ")
                .append(report.schemaVersion())
                .append(".</p>\n");
        h.append(
                "<table id=\"summary\"><caption>Summary</caption><thead><tr><th scope=\"col\">SLO</th><th scope=\"col\">Window</th>"
                        + "<th scope=\"col\">Objective</th><th scope=\"col\">SLI</th><th scope=\"col\">Budget left</th><th scope=\"col\">Alerts</th></tr></thead><tbody>\n");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String alerts = Format.alerts(e);
            h.append("<tr><td><a href=\"#slo-")
                    .append(i)
                    .append("\">")
                    .append(escape(e.name()))
                    .append("</a></td><td>")
                    .append(escape(Format.window(e)))
                    .append("</td><td>")
                    .append(escape(e.objective()))
                    .append("</td><td class=\"num\">")
                    .append(escape(percent(e.sli())))
                    .append("</td><td class=\"num\">")
                    .append(escape(percent(e.budget().remaining())))
                    .append("</td><td class=\"")
                    .append(alerts.startsWith("FIRING") ? "firing" : alerts.equals("none firing") ? "" : "nodata")
                    .append("\">")
                    .append(escape(alerts))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        for (int i = 0; i < entries.size(); i++) {
            section(h, entries.get(i), "slo-" + i);
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void section(StringBuilder h, Entry e, String id) {
        h.append("<section id=\"")
                .append(id)
                .append("\"><h2>")
                .append(escape(e.name()))
                .append(": ")
                .append(escape(e.objective()))
                .append("</h2>\n");
        h.append("<p>")
                .append(e.displayName() == null ? "" : escape(e.displayName()) + ". ")
                .append("Service ")
                .append(escape(e.service()))
                .append(", indicator ")
                .append(escape(e.indicator()))
                .append(", ")
                .append(escape(e.budgetingMethod()))
                .append(", ")
                .append(escape(Format.window(e)))
                .append(" window from ")
                .append(escape(time(e.window().from())))
                .append(" to ")
                .append(escape(time(e.window().to())))
                .append(".</p>\n");
        String unit = e.budget().unit();
        h.append("<div class=\"tiles\">");
        tile(h, "Objective", percent(e.target()));
        tile(h, "SLI", percent(e.sli()));
        tile(h, "Budget left", percent(e.budget().remaining()));
        tile(
                h,
                "Budget (" + unit + ")",
                decimal(e.budget().consumedAmount(), 2) + " of "
                        + decimal(e.budget().totalAmount(), 2) + " spent");
        tile(h, "Data", e.enoughData() ? "enough" : "not enough data");
        h.append("</div>\n");
        if (e.window().hourGrainUntil() != null) {
            h.append("<p>Read at hour grain until ")
                    .append(escape(time(e.window().hourGrainUntil())))
                    .append(": ")
                    .append(escape(Format.hourGrainNote(e)))
                    .append("</p>\n");
        }
        if (e.counts().slicesWithoutData() > 0) {
            h.append("<p>")
                    .append(e.counts().slicesWithoutData())
                    .append(" steps of the window had no data: they count neither good nor bad.</p>\n");
        }
        SloReport.Series s = e.series();
        h.append("<h3>SLI over the window</h3>\n");
        h.append(new SvgChart(
                                id + "-sli",
                                "SLI of " + e.name() + " per chart interval",
                                "The SLI in each interval of the window, against the objective of "
                                        + percent(e.target()) + ".",
                                e.window().from(),
                                e.window().to(),
                                "percent")
                        .line(new SvgChart.Line("SLI", s.times(), s.sli()))
                        .rule(new SvgChart.Rule("target " + percent(e.target()), e.target()))
                        .render())
                .append('\n');
        boolean rolling = e.window().kind().equals("rolling");
        h.append("<h3>Error budget burn-down (")
                .append(rolling ? "rolling window" : "calendar period")
                .append(")</h3>\n");
        h.append("<p>")
                .append(
                        rolling
                                ? "Budget left counted from the start of the current rolling window; as old errors leave the window, the budget can recover."
                                : "Budget left in this calendar period; the ideal line spends it evenly until the period ends "
                                        + escape(time(e.window().periodEnd())) + ".")
                .append("</p>\n");
        Instant end = e.window().periodEnd();
        List<Instant> idealTimes = List.of(e.window().from(), end);
        List<Double> ideal = List.of(1.0, 0.0);
        h.append(new SvgChart(
                                id + "-budget",
                                "Error budget left for " + e.name(),
                                "The share of the error budget left over the window, beside the ideal line that spends it evenly.",
                                e.window().from(),
                                end,
                                "percent")
                        .line(new SvgChart.Line("budget left", s.times(), s.budgetRemaining()))
                        .line(new SvgChart.Line("ideal", idealTimes, ideal))
                        .rule(new SvgChart.Rule("exhausted", 0))
                        .yRange(
                                Math.min(
                                        0,
                                        s.budgetRemaining().stream()
                                                .filter(v -> v != null)
                                                .mapToDouble(v -> v)
                                                .min()
                                                .orElse(0)),
                                1)
                        .render())
                .append('\n');
        h.append("<h3>Burn rate per alert window</h3>\n");
        SvgChart burn = new SvgChart(
                id + "-burn",
                "Burn rates of " + e.name(),
                "The burn rate over each alert window, with each alert's threshold; 1 spends the budget exactly by the end of the window.",
                e.window().from(),
                e.window().to(),
                "number");
        for (Map.Entry<String, List<Double>> b : s.burnRates().entrySet()) {
            burn.line(new SvgChart.Line(b.getKey(), s.times(), b.getValue()));
        }
        List<Double> thresholds = new ArrayList<>();
        for (Alert a : e.alerts()) {
            if (!thresholds.contains(a.threshold())) {
                thresholds.add(a.threshold());
                burn.rule(new SvgChart.Rule(
                        a.severity() + " " + a.longWindow() + "/" + a.shortWindow() + " > " + decimal(a.threshold(), 2),
                        a.threshold()));
            }
        }
        h.append(burn.render()).append('\n');
        h.append("<p>Burn rates now:");
        for (Map.Entry<String, BurnRate> b : e.burnRates().entrySet()) {
            BurnRate r = b.getValue();
            h.append(" ")
                    .append(escape(b.getKey()))
                    .append(" ")
                    .append(escape(r.burnRate() == null ? r.status() : decimal(r.burnRate(), 2)))
                    .append(";");
        }
        h.setLength(h.length() - 1);
        h.append("</p>\n");
        h.append(
                "<table><caption>Alerts</caption><thead><tr><th scope=\"col\">State</th><th scope=\"col\">Alert</th><th scope=\"col\">Severity</th>"
                        + "<th scope=\"col\">Long / short window</th><th scope=\"col\">Threshold</th><th scope=\"col\">Long burn</th><th scope=\"col\">Short burn</th></tr></thead><tbody>\n");
        for (Alert a : e.alerts()) {
            h.append("<tr><td class=\"")
                    .append(a.firing() ? "firing" : a.status().equals("ok") ? "" : "nodata")
                    .append("\">")
                    .append(escape(a.firing() ? "FIRING" : a.status()))
                    .append("</td><td>")
                    .append(escape(a.name()))
                    .append("</td><td>")
                    .append(escape(a.severity()))
                    .append("</td><td>")
                    .append(escape(a.longWindow() + " / " + a.shortWindow()))
                    .append("</td><td class=\"num\">")
                    .append(escape(decimal(a.threshold(), 2)))
                    .append("</td><td class=\"num\">")
                    .append(escape(a.longBurnRate() == null ? "no data" : decimal(a.longBurnRate(), 2)))
                    .append("</td><td class=\"num\">")
                    .append(escape(a.shortBurnRate() == null ? "no data" : decimal(a.shortBurnRate(), 2)))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        if (!e.history().isEmpty()) {
            h.append(
                    "<table><caption>Past periods</caption><thead><tr><th scope=\"col\">Period</th><th scope=\"col\">SLI</th>"
                            + "<th scope=\"col\">Budget left</th></tr></thead><tbody>\n");
            for (PastPeriod p : e.history()) {
                h.append("<tr><td>")
                        .append(escape(time(p.from()) + " to " + time(p.to())))
                        .append("</td><td class=\"num\">")
                        .append(escape(percent(p.sli()) + (p.enoughData() ? "" : " (not enough data)")))
                        .append("</td><td class=\"num\">")
                        .append(escape(percent(p.budgetRemaining())))
                        .append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");
    }

    private static void tile(StringBuilder h, String name, String value) {
        h.append("<div class=\"tile\">")
                .append(escape(name))
                .append("<b>")
                .append(escape(value))
                .append("</b></div>");
    }
}
