package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.metrics.Sketches;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every stat of {@code dbre query}, through the command, against one generated minute of lines
 * ingested by {@code dbre ingest}: each expected value is computed from the generated input —
 * exactly for counts, sums, min, max and last; cardinality within three HLL standard errors;
 * quantiles within the sketch's relative accuracy; fractions between the exact fractions at X / γ
 * and X · γ (docs/metric-store.md).
 */
@ExtendWith(PostgresExtension.class)
class QueryCommandStatsTest {
    /** A minute of the hour a day ago: inside every retention the commands check against now. */
    private static final long T0 = Math.floorDiv(Instant.now().getEpochSecond(), 3600) * 3600 - 86_400;

    private static final double GAMMA = (1 + Sketches.RELATIVE_ACCURACY) / (1 - Sketches.RELATIVE_ACCURACY);
    private static final double HLL_ERROR = 3 * 1.04 / Math.sqrt(1 << Sketches.HLL_LG_K);
    private static final double THRESHOLD = 250;

    /** What the generator wrote, the expected answers' source. */
    private static final Input INPUT = Input.generate(new Random(42));

    @BeforeAll
    static void ingest(TestDatabase db, @TempDir Path dir) throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        Path file = Files.writeString(dir.resolve("lines.txt"), INPUT.lines);
        Cli ingest = Cli.run("ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        assertThat(ingest.err() + ingest.out()).doesNotContain("TOO_OLD");
    }

    static Stream<Arguments> stats() {
        Input in = INPUT;
        double[] lat =
                in.latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double latSum = Arrays.stream(lat).sum();
        double exactP999 = lat[(int) Math.floor(0.999 * (lat.length - 1))];
        double users = in.users.size();
        return Stream.of(
                exact("st.hits{env:prod}", "sum", in.prodHits),
                exact("st.hits{env:prod}", "rate", in.prodHits / 60),
                // Negation keeps the series without the tag too, as Datadog's does.
                exact("st.hits{!env:prod}", "sum", in.otherHits + in.untaggedHits),
                exact("st.hits{env:*}", "sum", in.prodHits + in.otherHits),
                exact("st.hits", "sum", in.prodHits + in.otherHits + in.untaggedHits),
                exact("st.lat", "count", lat.length),
                exact("st.lat", "sum", latSum),
                exact("st.lat", "mean", latSum / lat.length),
                exact("st.lat", "min", lat[0]),
                exact("st.lat", "max", lat[lat.length - 1]),
                exact("st.lat", "rate", lat.length / 60.0),
                Arguments.of(
                        "st.lat",
                        "p99.9",
                        exactP999 * (1 - Sketches.RELATIVE_ACCURACY),
                        exactP999 * (1 + Sketches.RELATIVE_ACCURACY)),
                Arguments.of(
                        "st.lat",
                        "le:" + THRESHOLD,
                        fractionAtOrBelow(lat, THRESHOLD / GAMMA),
                        fractionAtOrBelow(lat, THRESHOLD * GAMMA)),
                Arguments.of(
                        "st.lat",
                        "gt:" + THRESHOLD,
                        1 - fractionAtOrBelow(lat, THRESHOLD * GAMMA),
                        1 - fractionAtOrBelow(lat, THRESHOLD / GAMMA)),
                exact("st.gauge", "last", in.gaugeLast),
                exact("st.gauge", "min", in.gaugeMin),
                exact("st.gauge", "max", in.gaugeMax),
                exact("st.gauge", "count", in.gauges),
                Arguments.of("st.users", "cardinality", users * (1 - HLL_ERROR), users * (1 + HLL_ERROR)),
                exact("st.check", "ok", in.statuses[0]),
                exact("st.check", "warning", in.statuses[1]),
                exact("st.check", "critical", in.statuses[2]),
                exact("st.check", "unknown", in.statuses[3]));
    }

    @ParameterizedTest(name = "{0} --stat {1}")
    @MethodSource("stats")
    void eachStat_answersWhatTheGeneratedInputGives(
            String selector, String stat, double lowest, double highest, TestDatabase db) throws Exception {
        Cli json = Cli.run(
                "query",
                selector,
                "--jdbc-url",
                db.jdbcUrl(),
                "--user",
                "postgres",
                "--json",
                "--from",
                Instant.ofEpochSecond(T0).toString(),
                "--to",
                Instant.ofEpochSecond(T0 + 60).toString(),
                "--step",
                "1m",
                "--stat",
                stat);
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode steps = new ObjectMapper().readTree(json.out()).get("steps");
        assertThat(steps).hasSize(1);
        assertThat(steps.get(0).get(stat).asDouble()).isBetween(lowest, highest);
    }

    private static Arguments exact(String selector, String stat, double expected) {
        // Sums of doubles in another order may differ in the last bits.
        double slack = Math.abs(expected) * 1e-12;
        return Arguments.of(selector, stat, expected - slack, expected + slack);
    }

    private static double fractionAtOrBelow(double[] sorted, double x) {
        int n = 0;
        for (double v : sorted) {
            if (v <= x) {
                n++;
            }
        }
        return (double) n / sorted.length;
    }

    /** One minute of generated lines and what they add up to. */
    private static final class Input {
        final StringBuilder lines = new StringBuilder();
        double prodHits;
        double otherHits;
        double untaggedHits;
        final List<Double> latencies = new ArrayList<>();
        double gaugeLast;
        double gaugeMin = Double.POSITIVE_INFINITY;
        double gaugeMax = Double.NEGATIVE_INFINITY;
        int gauges;
        final Set<String> users = new HashSet<>();
        final int[] statuses = new int[4];

        static Input generate(Random random) {
            Input in = new Input();
            for (int second = 0; second < 60; second++) {
                long ts = T0 + second;
                for (int i = 0; i < 20; i++) {
                    int hits = 1 + random.nextInt(5);
                    String env = new String[] {"prod", "test", "dev"}[random.nextInt(3)];
                    double rate = random.nextBoolean() ? 1 : 0.5;
                    in.line("st.hits:" + hits + "|c|@" + rate + "|#env:" + env + ",host:h" + i % 4 + "|T" + ts);
                    if (env.equals("prod")) {
                        in.prodHits += hits / rate;
                    } else {
                        in.otherHits += hits / rate;
                    }
                    if (i == 0) {
                        in.line("st.hits:1|c|T" + ts);
                        in.untaggedHits += 1;
                    }
                    double latency = Math.round(Math.exp(random.nextGaussian() + 5) * 100) / 100.0;
                    in.latencies.add(latency);
                    in.line("st.lat:" + latency + "|d|#host:h" + i % 4 + "|T" + ts);
                    in.line("st.users:u" + random.nextInt(400) + "|s|T" + ts);
                    int status = random.nextInt(4);
                    in.statuses[status]++;
                    in.line("_sc|st.check|" + status + "|d:" + ts + "|#host:h" + i % 4);
                }
                double gauge = random.nextInt(1000) / 10.0;
                in.line("st.gauge:" + gauge + "|g|T" + ts);
                in.gauges++;
                in.gaugeLast = gauge;
                in.gaugeMin = Math.min(in.gaugeMin, gauge);
                in.gaugeMax = Math.max(in.gaugeMax, gauge);
            }
            return in;
        }

        private void line(String line) {
            if (line.startsWith("st.users:")) {
                users.add(line.substring("st.users:".length(), line.indexOf('|')));
            }
            lines.append(line).append('\n');
        }
    }
}
