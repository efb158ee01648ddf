package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/invoke} run as a process on the jar this build packaged, from another directory,
 * on its default database: the embedded PostgreSQL kept under {@code $DBRE_HOME/invoke}. One event
 * file per cloud, and a wrong shape.
 */
class InvokeScriptIT {
    static final Path SCRIPT =
            Path.of("..", "..", "scripts", "invoke").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {}

    static Result run(String... args) throws Exception {
        Path work = Files.createDirectories(Path.of("target", "invoke-it"));
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(Files.createDirectories(work.resolve("cwd")).toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DBRE_NO_BUILD", "1");
        pb.environment()
                .put(Home.ENV_HOME, work.resolve("home").toAbsolutePath().toString());
        pb.environment()
                .put(
                        "DBRE_JAVA_OPTS",
                        "-Djava.io.tmpdir="
                                + Files.createDirectories(work.resolve("tmp")).toAbsolutePath());
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS))
                .as("scripts/invoke finished")
                .isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String event(String cloud, String file) {
        return InvokeCommandTest.EVENTS.resolve(cloud).resolve(file).toString();
    }

    @Test
    void oneEventPerCloud_onTheEmbeddedDatabase_printsOnlyTheResponseOnStdout() throws Exception {
        Result aws = run("aws", "ingest-kinesis", event("aws", "kinesis-batch.json"));
        assertThat(aws.code()).as(aws.err()).isZero();
        assertThat(JSON.readTree(aws.out()).get("batchItemFailures")).isEmpty();
        assertThat(aws.err()).contains("embedded PostgreSQL");

        Result azure = run("azure", "ingest-http", event("azure", "http-text.json"));
        assertThat(azure.code()).as(azure.err()).isZero();
        assertThat(JSON.readTree(azure.out()).get("status").asInt()).isEqualTo(202);

        Result gcp = run("gcp", "ingest-pubsub", event("gcp", "pubsub-cloudevent.json"));
        assertThat(gcp.code()).as(gcp.err()).isZero();
        JsonNode r = JSON.readTree(gcp.out());
        assertThat(r.get("status").asInt()).isEqualTo(200);
    }

    @Test
    void aWrongShape_exitsTwo_withOneLine_andNothingStarted() throws Exception {
        Result r = run("gcp", "ingest-http", event("gcp", "pubsub-cloudevent.json"));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("an HTTP request").contains("events/gcp/http-text.json");
        assertThat(r.err()).doesNotContain("embedded PostgreSQL").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSnapshotFunction_runsOnTheLocalStandIn_sayingWhichDatabaseStoodInForTheCloudOnes() throws Exception {
        Result r = run("aws", "snapshot", event("aws", "scheduler-snapshot-dry-run.json"));

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).get("dryRun").asBoolean()).isTrue();
        assertThat(r.err()).contains("-> local database orders").doesNotContain("\tat ");
    }
}
