package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dbre slo-report --from --to} end to end: DogStatsD counts written by {@code dbre ingest}
 * (with {@code |T} timestamps, some inside the window and some on both sides of it), rolled up by
 * {@code dbre maintain}, reported over exactly that window by the command and read back from the
 * JSON it wrote.
 */
@ExtendWith(PostgresExtension.class)
class SloReportFromToCommandTest {
    static final String SPEC = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-availability}
            spec:
              service: api
              indicator:
                metadata: {name: api-errors}
                spec:
                  ratioMetric:
                    counter: true
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: fromto.errors}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: fromto.requests}}}
              timeWindow: [{duration: 28d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.99}]
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void tmpdir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static String counts(Instant at, int requests, int errors) {
        long t = at.getEpochSecond();
        return "fromto.requests:" + requests + "|c|T" + t + "\nfromto.errors:" + errors + "|c|T" + t + "\n";
    }

    @Test
    void fromTo_reportsExactlyThatWindow_fromWhatIngestStored(TestDatabase db) throws Exception {
        // The store keeps recent points only, so the window is placed before now: the hour that
        // ended one hour ago.
        Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        Instant from = to.minus(Duration.ofHours(1));
        Path points = Files.writeString(
                dir.resolve("points.txt"),
                counts(from.minus(Duration.ofMinutes(10)), 100, 90) // before the window
                        + counts(from, 1_000, 10) // its first minute
                        + counts(from.plus(Duration.ofMinutes(50)), 500, 40)
                        + counts(to.minusSeconds(10), 200, 0) // its last 10 seconds
                        + counts(to, 100, 100)); // the first minute after it
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC);
        String url = db.jdbcUrl();

        Cli ingest = Cli.run("ingest", points.toString(), "--jdbc-url", url, "--user", "postgres");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        Cli maintain = Cli.run("maintain", "--jdbc-url", url, "--user", "postgres");
        assertThat(maintain.exitCode()).as(maintain.err()).isZero();
        Path out = dir.resolve("out");
        Cli report = Cli.run(
                "slo-report",
                "--spec",
                spec.toString(),
                "--out",
                out.toString(),
                "--jdbc-url",
                url,
                "--user",
                "postgres",
                "--from",
                from.toString(),
                "--to",
                to.toString(),
                "--format",
                "json");

        assertThat(report.exitCode()).as(report.err()).isZero();
        // 1,700 requests and 50 errors inside: SLI 1 - 50 / 1,700; budget 17 requests, 50 spent
        assertThat(report.out()).contains("api-availability (99%): budget left -194.1%");
        Path json = out.resolve(java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(to))
                .resolve("slo-report.json");
        assertThat(report.out()).contains("report json: " + json);
        JsonNode slo =
                new ObjectMapper().readTree(Files.readString(json)).get("slos").get(0);
        assertThat(slo.get("window").get("from").asText()).isEqualTo(from.toString());
        assertThat(slo.get("window").get("to").asText()).isEqualTo(to.toString());
        assertThat(slo.get("window").get("kind").asText()).isEqualTo("rolling");
        assertThat(slo.get("window").get("duration").asText()).isEqualTo("60m");
        assertThat(slo.get("counts").get("total").asDouble()).isEqualTo(1_700);
        assertThat(slo.get("counts").get("good").asDouble()).isEqualTo(1_650);
        assertThat(slo.get("sli").asDouble()).isCloseTo(1 - 50 / 1_700.0, within(1e-9));
        assertThat(slo.get("budget").get("consumed").asDouble()).isCloseTo(50 / 17.0, within(1e-9));
    }
}
