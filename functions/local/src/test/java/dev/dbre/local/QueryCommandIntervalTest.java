package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A non-default ingest interval ({@code DBRE_METRICS_INTERVAL_SECONDS=30}) through the commands. */
@ExtendWith(PostgresExtension.class)
class QueryCommandIntervalTest {
    /** Two minutes of the hour a day ago: closed, and inside every retention. */
    private static final long T0 = Math.floorDiv(Instant.now().getEpochSecond(), 3600) * 3600 - 86_400;

    private static final Map<String, String> ENV = Map.of("DBRE_METRICS_INTERVAL_SECONDS", "30");

    @Test
    void thirtySecondIntervals_areStored_rolledUpToMinutes_andReadAt30sAnd1mSteps_a10sStepIsRefused(
            TestDatabase db, @TempDir Path dir) throws Exception {
        // A count of s % 7 + 1 at every fifth second of two minutes.
        StringBuilder lines = new StringBuilder();
        double[] perHalfMinute = new double[4];
        for (int s = 0; s < 120; s += 5) {
            lines.append("iv.hits:")
                    .append(s % 7 + 1)
                    .append("|c|T")
                    .append(T0 + s)
                    .append('\n');
            perHalfMinute[s / 30] += s % 7 + 1;
        }
        Path file = Files.writeString(dir.resolve("lines.txt"), lines);
        Cli ingest = run("ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        assertThat(db.queryLong("select count(distinct bucket) from metric_agg"))
                .as("one bucket per 30 s, not per 10 s")
                .isEqualTo(4);

        assertThat(sums(db, "30s")).containsExactly(perHalfMinute);
        Cli maintain = run("maintain", "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        assertThat(maintain.exitCode()).as(maintain.err()).isZero();
        assertThat(db.queryLong("select count(*) from metric_agg_1m")).isEqualTo(2);
        assertThat(sums(db, "1m"))
                .containsExactly(perHalfMinute[0] + perHalfMinute[1], perHalfMinute[2] + perHalfMinute[3]);
        assertThat(sums(db, "30s"))
                .as("the 30 s data is still read at a 30 s step")
                .containsExactly(perHalfMinute);

        Cli tenSeconds = run(query(db, "10s"));
        assertThat(tenSeconds.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(tenSeconds.err()).contains("multiple of the ingest interval (30");
    }

    private double[] sums(TestDatabase db, String step) throws Exception {
        Cli json = run(query(db, step));
        assertThat(json.exitCode()).as(json.err()).isZero();
        List<Double> out = new ArrayList<>();
        for (JsonNode s : new ObjectMapper().readTree(json.out()).get("steps")) {
            out.add(s.get("sum").asDouble());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String[] query(TestDatabase db, String step) {
        return new String[] {
            "query",
            "iv.hits",
            "--jdbc-url",
            db.jdbcUrl(),
            "--user",
            "postgres",
            "--json",
            "--from",
            Instant.ofEpochSecond(T0).toString(),
            "--to",
            Instant.ofEpochSecond(T0 + 120).toString(),
            "--step",
            step,
            "--stat",
            "sum"
        };
    }

    private static Cli run(String... args) {
        return Cli.run(ENV, new ByteArrayInputStream(new byte[0]), args);
    }
}
