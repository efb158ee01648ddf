package dev.dbre.slo.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.slo.ReportFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/**
 * The HTML page without a browser: well-formed, self-contained, every chart present and labelled,
 * and the summary sorted by budget left. (The headless-browser test comes with the scheduled
 * function.) A copy is kept under target/ for a person to open.
 */
class SloReportHtmlTest {
    private static final String HTML = SloReportHtml.write(ReportFixture.report());

    @Test
    void page_isSelfContained() {
        assertThat(HTML).doesNotContain("<script", "<link", "src=\"http", "href=\"http", "@import", "url(");
        assertThat(HTML).contains("Content-Security-Policy");
        Matcher hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(HTML);
        while (hrefs.find()) {
            assertThat(hrefs.group(1)).startsWith("#");
        }
    }

    @Test
    void page_isWellFormed_andEveryChartHasATitleAndDescription() throws Exception {
        // The page is written as XHTML-compatible markup, so an XML parser can check it.
        String xml = HTML.replace("<!DOCTYPE html>", "").replaceAll("<meta([^>]*[^/])>", "<meta$1/>");
        var doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        var svgs = doc.getElementsByTagName("svg");
        int charts = 0;
        for (int i = 0; i < svgs.getLength(); i++) {
            var svg = (org.w3c.dom.Element) svgs.item(i);
            if (svg.getAttribute("class").equals("chart")) {
                charts++;
                assertThat(svg.getAttribute("role")).isEqualTo("img");
                assertThat(svg.getElementsByTagName("title").item(0).getTextContent())
                        .isNotBlank();
                assertThat(svg.getElementsByTagName("desc").item(0).getTextContent())
                        .isNotBlank();
            }
        }
        assertThat(charts).isEqualTo(3 * 3); // three SLOs, three charts each
    }

    @Test
    void summary_isSortedByBudgetLeft_andStatesAreWords() {
        int latency = HTML.indexOf("<a href=\"#slo-0\">api-latency</a>");
        int availability = HTML.indexOf("<a href=\"#slo-1\">api-availability</a>");
        int backup = HTML.indexOf("<a href=\"#slo-2\">backup-rpo</a>");
        assertThat(latency).isPositive().isLessThan(availability);
        assertThat(availability).isLessThan(backup);
        assertThat(HTML).contains(">FIRING<", "not enough data", "no data", "calendar period", "rolling window");
    }

    @Test
    void keepsACopyForAPerson() throws IOException {
        Path out = Path.of("target/slo-report/report.html");
        Files.createDirectories(out.getParent());
        Files.writeString(out, HTML, StandardCharsets.UTF_8);
        assertThat(out).exists();
    }
}
