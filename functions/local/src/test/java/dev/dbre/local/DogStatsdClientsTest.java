package dev.dbre.local;

import static dev.dbre.local.ClientCalls.CALLS;
import static dev.dbre.local.ClientCalls.CONSTANT_TAGS;
import static dev.dbre.local.ClientCalls.CONTAINER;
import static dev.dbre.local.ClientCalls.TELEMETRY_PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.timgroup.statsd.Event;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.ServiceCheck;
import com.timgroup.statsd.StatsDClient;
import dev.dbre.local.ClientCalls.Call;
import dev.dbre.local.ClientCalls.CheckCall;
import dev.dbre.local.ClientCalls.Client;
import dev.dbre.local.ClientCalls.EventCall;
import dev.dbre.local.ClientCalls.MetricCall;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the two most used DogStatsD clients over UDP on 127.0.0.1 with every call of {@link
 * ClientCalls#CALLS}, captures the datagrams, and checks that {@code dbre parse} and the ingest
 * path give back each point, check and event exactly as the test asked the client to send it
 * (issue 16). Each client writes the lines its own way: the Java client puts the container id
 * after a service check's message and escapes an event's line breaks; hot-shots adds {@code e:}
 * and {@code card:} fields and prefixes service check names.
 */
@ExtendWith(PostgresExtension.class)
class DogStatsdClientsTest {
    private static final Duration TELEMETRY_WAIT = Duration.ofSeconds(15);
    private static final Duration QUIET = Duration.ofMillis(400);

    @BeforeEach
    void clean(TestDatabase db) throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects");
    }

    @Test
    void datadogJavaClient_everyCallArrivesAsAsked(TestDatabase db, @TempDir Path dir) throws Exception {
        byte[] datagrams;
        try (DatagramCapture capture = new DatagramCapture()) {
            StatsDClient client = new NonBlockingStatsDClientBuilder()
                    .prefix("app") // the client adds the '.'
                    .hostname("127.0.0.1")
                    .port(capture.port())
                    .constantTags(CONSTANT_TAGS.toArray(String[]::new))
                    .containerID(CONTAINER)
                    .originDetectionEnabled(false)
                    .enableAggregation(false) // one line per call, as sent
                    .enableTelemetry(true)
                    .telemetryFlushInterval(200)
                    .build();
            try {
                for (Call call : CALLS) {
                    send(client, call);
                }
                assertThat(capture.awaitText(TELEMETRY_PREFIX + "metrics:", TELEMETRY_WAIT))
                        .as("the client's telemetry arrived")
                        .isTrue();
            } finally {
                client.stop();
            }
            capture.awaitQuiet(QUIET);
            datagrams = capture.payload();
        }
        ClientCalls.assertEveryCallArrivedAsAsked(new Client("java", false), datagrams, db, dir);
    }

    @Test
    void hotShots_everyCallArrivesAsAsked(TestDatabase db, @TempDir Path dir) throws Exception {
        assumeTrue(
                works("node", "--version") && works("npm", "--version"),
                "node or npm is not installed: hot-shots (a Node.js client) cannot run here");
        Path hotShots = installHotShots();
        Path driver = Path.of("src/test/resources/clients/hot-shots-driver.js").toAbsolutePath();
        byte[] datagrams;
        try (DatagramCapture capture = new DatagramCapture()) {
            ProcessBuilder pb = new ProcessBuilder("node", driver.toString(), Integer.toString(capture.port()))
                    .redirectOutput(dir.resolve("node.out").toFile())
                    .redirectError(dir.resolve("node.err").toFile());
            pb.environment().put("NODE_PATH", hotShots.resolve("node_modules").toString());
            pb.environment().put("DD_EXTERNAL_ENV", "it-false,cn-app,pu-1234"); // gives every line an e: field
            Process node = pb.start();
            try (OutputStream in = node.getOutputStream()) {
                in.write(ClientCalls.callsAsJson().getBytes(StandardCharsets.UTF_8));
            }
            assertThat(node.waitFor(60, TimeUnit.SECONDS))
                    .as("hot-shots driver finished")
                    .isTrue();
            assertThat(node.exitValue())
                    .as("hot-shots driver: %s", Files.readString(dir.resolve("node.err")))
                    .isZero();
            capture.awaitQuiet(QUIET);
            datagrams = capture.payload();
        }
        assertThat(new String(datagrams, StandardCharsets.UTF_8))
                .as("hot-shots writes the extension fields we skip")
                .contains("|e:it-false,cn-app,pu-1234")
                .contains("|card:low");
        ClientCalls.assertEveryCallArrivedAsAsked(new Client("nodejs", true), datagrams, db, dir);
    }

    private static void send(StatsDClient client, Call call) {
        switch (call) {
            case MetricCall m -> {
                String[] tags = m.tags().toArray(String[]::new);
                for (int i = 0; i < m.repeat(); i++) {
                    switch (m.method()) {
                        case "count" -> {
                            if (m.ts() != null) {
                                client.countWithTimestamp(m.name(), (long) m.value(), m.ts(), tags);
                            } else {
                                client.count(m.name(), (long) m.value(), m.rate(), tags);
                            }
                        }
                        case "gauge" -> {
                            if (m.ts() != null) {
                                client.gaugeWithTimestamp(m.name(), m.value(), m.ts(), tags);
                            } else {
                                client.gauge(m.name(), m.value(), m.rate(), tags);
                            }
                        }
                        case "histogram" -> client.histogram(m.name(), m.value(), m.rate(), tags);
                        case "distribution" -> client.distribution(m.name(), m.value(), m.rate(), tags);
                        case "timing" -> client.time(m.name(), (long) m.value(), m.rate(), tags);
                        case "set" -> client.recordSetValue(m.name(), m.member(), tags);
                        default -> throw new IllegalArgumentException(m.method());
                    }
                }
            }
            case CheckCall c ->
                client.serviceCheck(ServiceCheck.builder()
                        .withName(c.name())
                        .withStatus(ServiceCheck.Status.values()[c.status()]) // OK, WARNING, CRITICAL, UNKNOWN
                        .withHostname(c.hostname())
                        .withMessage(c.message())
                        .withTimestamp((int) c.ts())
                        .withTags(c.tags().toArray(String[]::new))
                        .build());
            case EventCall e ->
                client.recordEvent(
                        Event.builder()
                                .withTitle(e.title())
                                .withText(e.text())
                                .withHostname(e.hostname())
                                .withAggregationKey(e.aggregationKey())
                                .withPriority(
                                        Event.Priority.valueOf(e.priority().toUpperCase(Locale.ROOT)))
                                .withSourceTypeName(e.sourceType())
                                .withAlertType(
                                        Event.AlertType.valueOf(e.alertType().toUpperCase(Locale.ROOT)))
                                .withDate(e.ts() * 1000)
                                .build(),
                        e.tags().toArray(String[]::new));
        }
    }

    /** Runs the project's install script (npm, into the gitignored .tools/); returns the folder. */
    private static Path installHotShots() throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("scripts/install-hot-shots"))) {
            root = root.getParent();
            assertThat(root).as("scripts/install-hot-shots above the module").isNotNull();
        }
        Process p = new ProcessBuilder(root.resolve("scripts/install-hot-shots").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES))
                .as("install-hot-shots finished")
                .isTrue();
        assertThat(p.exitValue()).as("install-hot-shots").isZero();
        List<String> lines = out.lines().toList();
        return Path.of(lines.get(lines.size() - 1));
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
