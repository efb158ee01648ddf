package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class QueryCommandTest {
    /** An hour a day ago: inside every retention the query command checks against now. */
    private static final long T0 = Math.floorDiv(Instant.now().getEpochSecond(), 3600) * 3600 - 86_400;

    private static final String AT_T0 = Instant.ofEpochSecond(T0).toString();

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
        ingest(db.jdbcUrl(), file);

        String[] range = {
            "--from", AT_T0, "--to", Instant.ofEpochSecond(T0 + 120).toString(), "--step", "1m"
        };
        Cli table = onDatabase(
                db,
                concat(new String[] {"query", "cli.lat{env:prod}"}, range, new String[] {"--stat", "count,max,p50"}));
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3).first().asString().contains("time", "count", "max", "p50");
        assertThat(table.out().lines().skip(1).toList().get(0)).contains(AT_T0, "50", "100");
        assertThat(table.out()).doesNotContain("5000");

        Cli json = onDatabase(db, concat(new String[] {"query", "cli.lat", "--json"}, range, new String[] {
            "--stat", "count", "--stat", "le:50"
        }));
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
        Cli stat = onDatabase(db, "query", "x", "--stat", "p1000");
        assertThat(stat.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(stat.err()).contains("p1000");
        Cli step = onDatabase(db, "query", "x", "--step", "soon");
        assertThat(step.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(step.err()).contains("--step 'soon'");
    }

    @Test
    void maintain_rollsUpAndSaysWhatItDid(TestDatabase db) {
        Cli r = onDatabase(db, "maintain");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("partitions created:", "minutes rolled up:", "partitions dropped:");
    }

    @Test
    void aRangePastTheRetentionOfItsStep_isAUsageError_namingTheRetentionAndTheStepToUse(
            TestDatabase db, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("old.txt"), "cli.kept:1|c|T" + (T0 + 60) + "\n");
        ingest(db.jdbcUrl(), file);

        Cli past = onDatabase(db, "query", "cli.kept", "--from", "-40d", "--step", "1m");

        assertThat(past.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(past.err())
                .contains("1-minute data is kept 35 days (from ")
                .contains("--from -40d needs --step 1h (or a multiple of it) or a range within 35 days")
                .doesNotContain("\tat ");
        assertThat(past.out()).isEmpty();
        Cli hours = onDatabase(db, "query", "cli.kept", "--from", "-40d", "--step", "1h");
        assertThat(hours.exitCode()).as(hours.err()).isZero();
        assertThat(hours.err()).contains("read at HOUR");
    }

    @Test
    void withoutJdbcUrl_everyDatabaseCommandUsesTheHomesKeptDatabase(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Map<String, String> env = Map.of("DBRE_HOME", home.toString());

        Cli none = Cli.run(env, empty(), "query", "cli.lat", "--step", "1h");
        assertThat(none.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(none.err())
                .contains("the home " + home + " has no database yet")
                .contains("dbre migrate --home " + home)
                .doesNotContain("\tat ");
        Cli noMaintain = Cli.run(env, empty(), "maintain");
        assertThat(noMaintain.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(home.resolve("invoke")).doesNotExist();

        Cli migrate = Cli.run(env, empty(), "migrate");
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("applied V1 ");
        Path file = Files.writeString(dir.resolve("lines.txt"), "cli.lat:7|d|#env:prod|T" + (T0 + 5) + "\n");
        Cli ingest = Cli.run(env, empty(), "ingest", file.toString());
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        Cli maintain = Cli.run(env, empty(), "maintain");
        assertThat(maintain.exitCode()).as(maintain.err()).isZero();
        assertThat(maintain.out()).contains("minutes rolled up: 1");

        Cli query =
                Cli.run(env, empty(), "query", "cli.lat{env:prod}", "--from", AT_T0, "--step", "1h", "--stat", "max");
        assertThat(query.exitCode()).as(query.err()).isZero();
        assertThat(query.out().lines().skip(1).findFirst())
                .hasValueSatisfying(l -> assertThat(l).contains(AT_T0, "7"));
        // --home beats DBRE_HOME.
        Cli elsewhere = Cli.run(
                env, empty(), "query", "cli.lat", "--home", dir.resolve("other").toString());
        assertThat(elsewhere.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(elsewhere.err()).contains(dir.resolve("other") + " has no database yet");
    }

    @Test
    void aRunLocalFolder_isAHomeWhoseDatabaseIsTheOneRunLocalLeft(@TempDir Path dir) throws Exception {
        // What run-local leaves in its base dir: <base>/postgres/data, a database "dbre", migrated.
        Path base = dir.resolve(".run-local");
        try (dev.dbre.embedded.LocalPostgres pg = dev.dbre.embedded.LocalPostgres.startKept(
                base.resolve("postgres/data"),
                base.resolve("postgres"),
                0,
                Map.of(),
                base.resolve("postgres/server.log"),
                java.time.Duration.ofSeconds(60))) {
            try (var c = dev.dbre.db.JdbcConnectionFactory.of(pg.jdbcUrl("postgres"), "postgres", null)
                            .open();
                    var s = c.createStatement()) {
                s.execute("create database dbre");
            }
            dev.dbre.schema.SchemaMigrator.migrate(pg.jdbcUrl("dbre"), "postgres", null);
            Path file = Files.writeString(dir.resolve("lines.txt"), "run.hits:3|c|T" + (T0 + 5) + "\n");
            ingest(pg.jdbcUrl("dbre"), file);
        }

        Cli query = Cli.run("query", "run.hits", "--home", base.toString(), "--from", AT_T0, "--step", "1h");

        assertThat(query.exitCode()).as(query.err()).isZero();
        assertThat(query.err()).contains("starting the embedded PostgreSQL under " + base.resolve("postgres"));
        assertThat(query.out()).contains(AT_T0);
        assertThat(base.resolve("invoke")).doesNotExist();
    }

    /** {@code dbre ARGS --jdbc-url <the test database> --user postgres}. */
    private static Cli onDatabase(TestDatabase db, String... args) {
        return Cli.run(concat(args, new String[] {"--jdbc-url", db.jdbcUrl(), "--user", "postgres"}));
    }

    /** {@code dbre ingest FILE} into the database at {@code jdbcUrl}, which must store it. */
    private static void ingest(String jdbcUrl, Path file) {
        Cli ingest = Cli.run("ingest", file.toString(), "--jdbc-url", jdbcUrl, "--user", "postgres");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    }

    private static java.io.InputStream empty() {
        return new java.io.ByteArrayInputStream(new byte[0]);
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
