package dev.dbre.slo.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dbre.slo.ReportFixture;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

/**
 * The HTML report opened from a file in a real headless chromium: nothing logged at error level,
 * no request leaves the page, every chart drawn, named and described, states carried by words and
 * not by colour alone; a screenshot of the whole page is kept under target/ for a person. The
 * checker itself is tested on pages that do reach out. Skips itself when Debian's chromium or
 * chromium-driver is not installed (CI installs them in .ci/run).
 */
class SloReportBrowserTest {
    private static final Path OUT = Path.of("target/slo-report/browser");
    private static final String HTML = SloReportHtml.write(ReportFixture.report());

    private static HeadlessChromium browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        String missing = HeadlessChromium.missing();
        Assumptions.assumeTrue(missing == null, () -> "no headless-browser test: " + missing);
        Files.createDirectories(OUT);
        browser = new HeadlessChromium();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void report_loadsWithoutConsoleErrors_andNoRequestLeavesThePage() throws IOException {
        HeadlessChromium.Visit visit = browser.open(write("report.html", HTML));

        assertThat(visit.requests()).as("the page's own load, seen in the log").contains(visit.url());
        assertThat(visit.problems()).isEmpty();
        String text = browser.driver().findElement(By.tagName("body")).getText();
        assertThat(text).contains("FIRING", "not enough data", "calendar period", "rolling window");
    }

    @Test
    void everyChart_isDrawnNamedAndDescribed_threePerSlo() throws IOException {
        browser.open(write("report.html", HTML));

        List<WebElement> sections = browser.driver().findElements(By.tagName("section"));
        assertThat(sections).hasSize(3);
        for (WebElement section : sections) {
            String id = section.getAttribute("id");
            String slo = section.findElement(By.tagName("h2")).getText().split(":")[0];
            for (String chart : List.of("sli", "budget", "burn")) {
                WebElement svg = section.findElement(By.id(id + "-" + chart));
                String where = slo + " chart " + chart;
                assertThat(svg.isDisplayed()).as(where).isTrue();
                assertThat(svg.getRect().getWidth()).as(where).isGreaterThan(300);
                assertThat(svg.getRect().getHeight()).as(where).isGreaterThan(100);
                // As the browser's accessibility tree computes them, not as the markup claims.
                assertThat(svg.getAriaRole()).as(where).isEqualTo("image");
                assertThat(svg.getAccessibleName()).as(where).contains(slo);
                assertThat(description(svg)).as(where).isNotBlank();
            }
            assertThat(section.findElements(By.cssSelector("table")))
                    .as(slo + " alert table")
                    .isNotEmpty();
        }
    }

    @Test
    void chartText_neitherOverlapsNorLeavesTheChart() throws IOException {
        browser.open(write("report.html", HTML));

        for (JsonNode chart : drawnText()) {
            String id = chart.path("id").asText();
            List<JsonNode> texts = new ArrayList<>();
            chart.path("texts").forEach(texts::add);
            for (int i = 0; i < texts.size(); i++) {
                JsonNode a = texts.get(i);
                assertThat(a.path("x").asDouble())
                        .as(id + " '" + a.path("text").asText() + "' left edge")
                        .isGreaterThanOrEqualTo(0);
                assertThat(a.path("x").asDouble() + a.path("w").asDouble())
                        .as(id + " '" + a.path("text").asText() + "' right edge")
                        .isLessThanOrEqualTo(chart.path("width").asDouble());
                assertThat(a.path("y").asDouble() + a.path("h").asDouble())
                        .as(id + " '" + a.path("text").asText() + "' bottom edge")
                        .isLessThanOrEqualTo(chart.path("height").asDouble());
                for (int j = i + 1; j < texts.size(); j++) {
                    JsonNode b = texts.get(j);
                    assertThat(overlap(a, b))
                            .as(id + ": '" + a.path("text").asText() + "' overlaps '"
                                    + b.path("text").asText() + "'")
                            .isFalse();
                }
            }
        }
    }

    @Test
    void axes_stayInsideWhatTheyMeasure_andAnEmptyChartSaysSo() throws IOException {
        browser.open(write("report.html", HTML));

        for (JsonNode chart : drawnText()) {
            String id = chart.path("id").asText();
            for (JsonNode tick : chart.path("ticks")) {
                double value = Double.parseDouble(tick.asText().replace("%", ""));
                if (id.endsWith("-sli")) {
                    assertThat(value).as(id + " tick " + tick.asText()).isBetween(0.0, 100.0);
                } else if (id.endsWith("-burn")) {
                    assertThat(value).as(id + " tick " + tick.asText()).isGreaterThanOrEqualTo(0);
                }
            }
            if (chart.path("lines").asInt() == 0) {
                assertThat(chart.path("texts").findValuesAsText("text"))
                        .as(id + " has no line")
                        .anySatisfy(t -> assertThat(t).endsWith("no data in this window"));
            }
        }
    }

    @Test
    void colourIsNeverTheOnlyCarrier() throws IOException {
        browser.open(write("report.html", HTML));

        List<WebElement> firing = browser.driver().findElements(By.cssSelector(".firing"));
        assertThat(firing).isNotEmpty();
        for (WebElement cell : firing) {
            assertThat(cell.getText()).contains("FIRING");
        }
        for (WebElement cell : browser.driver().findElements(By.cssSelector(".nodata"))) {
            assertThat(cell.getText()).isNotBlank();
        }
        // Within a chart, lines of different meaning differ by dash pattern as drawn.
        for (WebElement svg : browser.driver().findElements(By.cssSelector("svg.chart"))) {
            Set<String> labels = new HashSet<>();
            Set<String> dashes = new HashSet<>();
            for (WebElement line : svg.findElements(By.tagName("polyline"))) {
                labels.add(line.findElement(By.tagName("title")).getAttribute("textContent"));
                dashes.add(line.getCssValue("stroke-dasharray"));
            }
            assertThat(dashes).as(svg.getAttribute("id")).hasSameSizeAs(labels);
        }
    }

    @Test
    void screenshotOfTheWholePage_isKeptUnderTarget() throws IOException {
        browser.open(write("report.html", HTML));

        Path png = OUT.resolve("report.png");
        Files.write(png, browser.screenshotOfWholePage());

        ImageIO.setUseCache(false); // the tests' java.io.tmpdir may not exist
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
        assertThat(image).as("a PNG").isNotNull();
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(1000);
        // Taller than the window: the whole page, not only what fits in it.
        assertThat(image.getHeight()).isGreaterThan(900);
    }

    /**
     * The picture in the top README (docs/images/slo-report.png is a copy of this file): the
     * summary and the first SLO's section, cropped from the whole page so that it stays small.
     */
    @Test
    void screenshotForTheReadme_isTheSummaryAndFirstSlo_small() throws IOException {
        browser.open(write("report.html", HTML));

        Rectangle firstSlo =
                browser.driver().findElements(By.tagName("section")).get(0).getRect();
        // The body is narrower than the window (max-width): keep its margin on the right too.
        Rectangle body = browser.driver().findElement(By.tagName("body")).getRect();
        double scale = ((Number) browser.driver().executeScript("return window.devicePixelRatio")).doubleValue();
        ImageIO.setUseCache(false); // the tests' java.io.tmpdir may not exist
        BufferedImage page = ImageIO.read(new ByteArrayInputStream(browser.screenshotOfWholePage()));
        int width = Math.min(page.getWidth(), (int) Math.ceil((2 * body.getX() + body.getWidth()) * scale));
        int height = Math.min(
                page.getHeight(), (int) Math.ceil((firstSlo.getY() + firstSlo.getHeight() + body.getX()) * scale));
        BufferedImage top = page.getSubimage(0, 0, width, height);
        Path png = OUT.resolve("report-top.png");
        assertThat(ImageIO.write(top, "png", png.toFile())).as("a PNG writer").isTrue();

        assertThat(top.getHeight()).as("cropped below the first SLO").isLessThan(page.getHeight());
        assertThat(top.getHeight()).as("the whole first SLO").isGreaterThan(900);
        assertThat(Files.size(png)).as("bytes of " + png).isLessThan(300_000);
    }

    @Test
    void checker_reportsAnImageFetchedFromElsewhere() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            String image = "http://127.0.0.1:" + server.getAddress().getPort() + "/logo.png";
            HeadlessChromium.Visit visit = browser.open(write(
                    "outside-image.html",
                    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head>"
                            + "<body><img src=\"" + image + "\" alt=\"logo\"></body></html>"));

            assertThat(hits.get()).as("the request really left the page").isPositive();
            assertThat(visit.requestsOut()).contains(image);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void checker_failsTheReportWhenAnImageFromElsewhereIsAdded() throws IOException {
        String image = "http://127.0.0.1:9/tracker.png";
        String doctored = HTML.replace("<body>", "<body><img src=\"" + image + "\" alt=\"\">");

        HeadlessChromium.Visit visit = browser.open(write("report-with-outside-image.html", doctored));

        // The page's Content-Security-Policy refuses the image, and chromium says so.
        assertThat(visit.problems()).anySatisfy(p -> assertThat(p).contains(image));
    }

    @Test
    void checker_reportsConsoleErrors() throws IOException {
        HeadlessChromium.Visit visit = browser.open(write(
                "console-error.html",
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head>"
                        + "<body><script>console.error('chart failed to draw')</script></body></html>"));

        assertThat(visit.consoleErrors()).anySatisfy(e -> assertThat(e).contains("chart failed to draw"));
    }

    /** Per chart: its size, its text as laid out (SVG user units), its axis ticks (the labels that are only a number) and its line count. */
    private static JsonNode drawnText() throws IOException {
        String json = (String) browser.driver().executeScript("""
                        return JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => ({
                          id: svg.id,
                          width: svg.viewBox.baseVal.width,
                          height: svg.viewBox.baseVal.height,
                          lines: svg.querySelectorAll('polyline').length,
                          ticks: [...svg.querySelectorAll('text')].map(t => t.textContent).filter(t => /^-?[0-9.]+%?$/.test(t)),
                          texts: [...svg.querySelectorAll('text')].map(t => {
                            const b = t.getBBox();
                            return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height};
                          })
                        })));
                        """);
        return new ObjectMapper().readTree(json);
    }

    /** Boxes that share more than a sliver (a unit of rounding). */
    private static boolean overlap(JsonNode a, JsonNode b) {
        double dx = Math.min(
                        a.path("x").asDouble() + a.path("w").asDouble(),
                        b.path("x").asDouble() + b.path("w").asDouble())
                - Math.max(a.path("x").asDouble(), b.path("x").asDouble());
        double dy = Math.min(
                        a.path("y").asDouble() + a.path("h").asDouble(),
                        b.path("y").asDouble() + b.path("h").asDouble())
                - Math.max(a.path("y").asDouble(), b.path("y").asDouble());
        return dx > 1 && dy > 1;
    }

    private static String description(WebElement svg) {
        Object text = browser.driver()
                .executeScript("const d = arguments[0].querySelector('desc'); return d ? d.textContent : '';", svg);
        return (String) text;
    }

    private static Path write(String name, String html) throws IOException {
        Path file = OUT.resolve(name);
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }
}
