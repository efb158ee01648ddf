package dev.dbre.slo.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's chromium, headless, driven by its chromedriver over WebDriver. Opening a page collects
 * what the page logged at error level (the browser log) and every request the page made (Chrome's
 * performance log: the DevTools {@code Network.*} events of the page), so a test can prove a page
 * is self-contained rather than trust its markup.
 *
 * <p>The binaries are Debian's ({@code apt-get install chromium chromium-driver}, done by
 * {@code .ci/run}); the driver path is given, so Selenium Manager never tries to download one.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** DevTools events in which a page asks for something from outside itself. */
    private static final List<String> REQUEST_EVENTS =
            List.of("Network.requestWillBeSent", "Network.webSocketCreated", "Network.eventSourceMessageReceived");

    private final ChromeDriver driver;

    /** Why this machine cannot run the browser, or null when it can. */
    static String missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return CHROMIUM + " is absent (apt-get install chromium)";
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            return CHROMEDRIVER + " is absent (apt-get install chromium-driver)";
        }
        return null;
    }

    /** Starts the browser (chromedriver gives it a fresh profile of its own and removes it on close). */
    HeadlessChromium() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                // CI runs as root, where chromium refuses its sandbox.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--window-size=1280,900");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
        this.driver = new ChromeDriver(service, options);
    }

    ChromeDriver driver() {
        return driver;
    }

    /**
     * What one page did while it loaded: its URL, what it logged at error level, every URL it
     * requested (the page itself included: proof that the log was read) and those that left it.
     */
    record Visit(String url, List<String> consoleErrors, List<String> requests, List<String> requestsOut) {
        /** Each problem found, in words; empty when the page is clean. */
        List<String> problems() {
            List<String> problems = new ArrayList<>();
            consoleErrors.forEach(e -> problems.add("console error: " + e));
            requestsOut.forEach(r -> problems.add("request leaves the page: " + r));
            return problems;
        }
    }

    /** Opens the file, waits for it to load, and reports its console errors and outside requests. */
    Visit open(Path file) throws IOException {
        drainLogs();
        String url = file.toAbsolutePath().toUri().toString();
        driver.get(url);
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getLevel() + " " + e.getMessage());
            }
        }
        List<String> requests = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = JSON.readTree(e.getMessage()).path("message");
            if (!REQUEST_EVENTS.contains(message.path("method").asText())) {
                continue;
            }
            JsonNode params = message.path("params");
            String target = params.has("request")
                    ? params.path("request").path("url").asText()
                    : params.path("url").asText();
            requests.add(target);
            // The page itself, and data: URLs that live inside it, stay on the page.
            if (!sameFile(target, url) && !target.startsWith("data:")) {
                out.add(target);
            }
        }
        return new Visit(url, errors, requests, out);
    }

    /** The whole page (beyond the window) as a PNG. */
    byte[] screenshotOfWholePage() {
        Map<String, Object> shot = driver.executeCdpCommand(
                "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        return Base64.getDecoder().decode((String) shot.get("data"));
    }

    private static boolean sameFile(String target, String url) {
        int hash = target.indexOf('#');
        return (hash < 0 ? target : target.substring(0, hash)).equals(url);
    }

    /** Logs are read-once: empty them so a visit sees only its own entries. */
    private void drainLogs() {
        driver.manage().logs().get(LogType.BROWSER);
        driver.manage().logs().get(LogType.PERFORMANCE);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
