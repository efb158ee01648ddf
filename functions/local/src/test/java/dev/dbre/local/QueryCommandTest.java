package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class QueryCommandTest {
    private static final long T0 = 1795428000L; // 2026-11-23T10:00:00Z

    @Test
    void ingestedLines_areReadBackPerStep_asATable_andAsJson(TestDatabase db, @TempDir Path dir) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            lines.append("cli.lat:")
                    .append(i)
                    .append("|d|#env:prod|T")
                    .append(T0 + (i % 2) * 60)
                    .append('\n');
        }
        lines.append("cli.lat:5000|d|#env:test|T").append(T0).append('\n');
        Path file = Files.writeString(dir.resolve("lines.txt"), lines);
        Cli ingest = Cli.run("ingest", file.toString(), "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();

        String[] range = {"--from", "2026-11-23T10:00:00Z", "--to", "2026-11-23T10:02:00Z", "--step", "1m"};
        Cli table = Cli.run(concat(
                new String[] {"query", "cli.lat{env:prod}", "--jdbc-url", db.jdbcUrl(), "--user", "postgres"},
                range,
                new String[] {"--stat", "count,max,p50"}));
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3).first().asString().contains("time", "count", "max", "p50");
        assertThat(table.out().lines().skip(1).toList().get(0)).contains("2026-11-23T10:00:00Z", "50", "100");
        assertThat(table.out()).doesNotContain("5000");

        Cli json = Cli.run(concat(
                new String[] {"query", "cli.lat", "--jdbc-url", db.jdbcUrl(), "--user", "postgres", "--json"},
                range,
                new String[] {"--stat", "count", "--stat", "le:50"}));
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("type").asText()).isEqualTo("d");
        assertThat(doc.get("series").asInt()).isEqualTo(2);
        assertThat(doc.get("steps")).hasSize(2);
        assertThat(doc.get("steps").get(0).get("count").asDouble()).isEqualTo(51);
        assertThat(doc.get("steps").get(1).get("le:50").asDouble()).isBetween(0.48, 0.52);
    }

    @Test
    void aBadStat_orStep_isAUsageError_namingIt(TestDatabase db) {
        Cli stat = Cli.run("query", "x", "--jdbc-url", db.jdbcUrl(), "--user", "postgres", "--stat", "p1000");
        assertThat(stat.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(stat.err()).contains("p1000");
        Cli step = Cli.run("query", "x", "--jdbc-url", db.jdbcUrl(), "--user", "postgres", "--step", "soon");
        assertThat(step.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(step.err()).contains("--step 'soon'");
    }

    @Test
    void maintain_rollsUpAndSaysWhatItDid(TestDatabase db) {
        Cli r = Cli.run("maintain", "--jdbc-url", db.jdbcUrl(), "--user", "postgres");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("partitions created:", "minutes rolled up:", "partitions dropped:");
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
