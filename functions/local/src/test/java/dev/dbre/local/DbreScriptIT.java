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

/**
 * {@code scripts/dbre} run as a process, on the jar this build just packaged (the script finds it
 * up to date; DBRE_NO_BUILD=1 makes it fail rather than build again), from another directory.
 */
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
    void aFailureThroughTheScript_isOneLineSayingWhatWasTried_withNoLogLines() throws Exception {
        int port;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path input = Files.createDirectories(Path.of("target", "script-it")).resolve("one.txt");
        Files.writeString(input, "a:1|c\n", StandardCharsets.UTF_8);

        Result r = run(
                null,
                "ingest",
                input.toAbsolutePath().toString(),
                "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:" + port + "/x");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList())
                .containsExactly("dbre ingest: cannot connect to 127.0.0.1:" + port + ": connection refused (no server"
                        + " listens there); running this again will not help until one does: start PostgreSQL there"
                        + " or fix --jdbc-url");
    }

    @Test
    void aPasswordInAUrl_isNeverPrinted_throughTheScript() throws Exception {
        Result r = run(null, "migrate", "--jdbc-url", "jdbc:mysql://db.example:3306/app?user=u&password=hunter2");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("password=***").doesNotContain("hunter2");
        assertThat(r.out()).doesNotContain("hunter2");
    }

    /**
     * Interrupted while a drill restores: its server and files go, and it says so. SIGTERM stands
     * in for Ctrl-C: a process started from a test inherits an ignored SIGINT; both run the
     * JVM's shutdown hooks.
     */
    @Test
    void ctrlCDuringADrill_removesWhatItMade() throws Exception {
        Path home = Path.of("target", "script-it", "home-interrupt").toAbsolutePath();
        if (Files.exists(home)) {
            try (var all = Files.walk(home)) {
                all.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
        Path policy = Path.of("../../docs/examples/backup-policy-local.json").toAbsolutePath();
        ProcessBuilder snapshot = new ProcessBuilder(
                        "bash", SCRIPT.toString(), "snapshot", "--policy", policy.toString(), "--home", home.toString())
                .redirectErrorStream(true)
                .redirectOutput(
                        Files.createDirectories(home).resolve("snapshot.txt").toFile());
        snapshot.environment().put("DBRE_NO_BUILD", "1");
        Process s = snapshot.start();
        assertThat(s.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(s.exitValue())
                .as(Files.readString(home.resolve("snapshot.txt")))
                .isZero();

        Path out = home.resolve("drill-out.txt");
        Path err = home.resolve("drill-err.txt");
        ProcessBuilder drill = new ProcessBuilder(
                        "bash",
                        SCRIPT.toString(),
                        "drill",
                        "--source",
                        "local",
                        "--name",
                        "it-interrupted",
                        "--home",
                        home.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        drill.environment().put("DBRE_NO_BUILD", "1");
        Process d = drill.start();
        Path restored = home.resolve("backup/restores/it-interrupted");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(restored) && d.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(restored).as(Files.readString(out) + Files.readString(err)).exists();
        // scripts/dbre execs java: the process is the JVM itself.
        new ProcessBuilder("kill", "-TERM", Long.toString(d.pid())).start().waitFor();

        assertThat(d.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(err))
                .contains("interrupted: removed the drill server it-interrupted and its files");
        assertThat(restored).doesNotExist();
    }
}
