package dev.dbre.slo;

import dev.dbre.slo.report.SloReportHtml;
import dev.dbre.slo.report.SloReportJson;
import dev.dbre.slo.report.SloReportMarkdown;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The forms a report is written in, by the names {@code DBRE_SLO_FORMATS} and {@code --format} use. */
public enum ReportFormat {
    JSON("json", "application/json"),
    MD("md", "text/markdown; charset=utf-8"),
    HTML("html", "text/html; charset=utf-8");

    /** Every format, as {@code DBRE_SLO_FORMATS}' default writes it. */
    public static final String ALL = "json,md,html";

    private final String extension;
    private final String contentType;

    ReportFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The report in this format, as UTF-8 bytes. */
    public byte[] render(SloReport report) {
        String text = switch (this) {
            case JSON -> SloReportJson.write(report);
            case MD -> SloReportMarkdown.write(report);
            case HTML -> SloReportHtml.write(report);
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a comma-separated list such as {@code json,md,html} (case-insensitive, in any order).
     *
     * @throws IllegalArgumentException naming the unknown format and the known ones, or an empty list
     */
    public static Set<ReportFormat> parseList(String text) {
        Set<ReportFormat> out = EnumSet.noneOf(ReportFormat.class);
        List<String> unknown = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            ReportFormat found = null;
            for (ReportFormat f : values()) {
                if (f.extension.equals(name)) {
                    found = f;
                }
            }
            if (found == null) {
                unknown.add("'" + part.trim() + "'");
            } else {
                out.add(found);
            }
        }
        if (!unknown.isEmpty() || out.isEmpty()) {
            throw new IllegalArgumentException("must be a comma-separated list of json, md, html; "
                    + (unknown.isEmpty() ? "was empty" : "unknown: " + String.join(", ", unknown)));
        }
        return out;
    }
}
