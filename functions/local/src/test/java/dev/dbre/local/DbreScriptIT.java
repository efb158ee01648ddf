package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code scripts/dbre} run as a process, on the jar this build just packaged (the script finds it
 * up to date; DBRE_NO_BUILD=1 makes it fail rather than build again), from another directory.
 */
@ExtendWith(dev.dbre.testing.PostgresExtension.class)
class DbreScriptIT {
    static final Path SCRIPT =
            Path.of("..", "..", "scripts", "dbre").toAbsolutePath().normalize();

    record Result(int code, String out, String err) {}

    static Result run(Path input, String... args) throws IOException, InterruptedException {
        Path work = Files.createDirectories(Path.of("target", "script-it"));
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(Files.createDirectories(work.resolve("cwd")).toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.redirectInput(
                input == null
                        ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                        : ProcessBuilder.Redirect.from(input.toFile()));
        pb.environment().put("DBRE_NO_BUILD", "1");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("scripts/dbre finished").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void parseThroughTheScript_readsStdin_andPrintsJsonLines() throws Exception {
        Path input = Files.createDirectories(Path.of("target", "script-it")).resolve("in.txt");
        Files.writeString(input, "web.hits:1:2|c|#b,a\nnot a metric\n", StandardCharsets.UTF_8);

        Result r = run(input.toAbsolutePath(), "parse");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().split("\n"))
                .containsExactly(
                        "{\"kind\":\"metric\",\"name\":\"web.hits\",\"type\":\"c\",\"value\":1,\"rate\":1,"
                                + "\"tags\":[\"a\",\"b\"],\"ts\":null,\"container\":null}",
                        "{\"kind\":\"metric\",\"name\":\"web.hits\",\"type\":\"c\",\"value\":2,\"rate\":1,"
                                + "\"tags\":[\"a\",\"b\"],\"ts\":null,\"container\":null}",
                        "{\"kind\":\"reject\",\"line\":2,\"reason\":\"BAD_VALUE\","
                                + "\"detail\":\"no ':value' after the metric name\"}");
    }

    @Test
    void usageErrorThroughTheScript_exitsTwo() throws Exception {
        Result r = run(null, "parse", "--format", "yaml");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--format");
    }

    @Test
    void ingestIntoADatabaseNotMigrated_printsOneLineWithTheHint_andNoStackTrace() throws Exception {
        String url = MigrateCommandTest.emptyDatabase(
                "script_unmigrated_" + ProcessHandle.current().pid());
        Path input = Files.createDirectories(Path.of("target", "script-it")).resolve("one.txt");
        Files.writeString(input, "a:1|c\n", StandardCharsets.UTF_8);

        Result r = run(null, "ingest", input.toAbsolutePath().toString(), "--jdbc-url", url, "--user", "postgres");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList())
                .containsExactly("dbre ingest: the database " + url.substring("jdbc:postgresql://".length())
                        + " has no table ingest_batches: its schema is not applied; run `dbre migrate --jdbc-url "
                        + url + "` first");
    }

    @Test
    void aPasswordInAUrl_isNeverPrinted_throughTheScript() throws Exception {
        Result r = run(null, "migrate", "--jdbc-url", "jdbc:mysql://db.example:3306/app?user=u&password=hunter2");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("password=***").doesNotContain("hunter2");
        assertThat(r.out()).doesNotContain("hunter2");
    }
}
