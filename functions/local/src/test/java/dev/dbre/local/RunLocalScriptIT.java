package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/run-local} run as a process on the jar this build just packaged, and stopped
 * with Ctrl-C (SIGINT) after its first stage: PostgreSQL is stopped, nothing is left running and
 * its port is free again.
 */
class RunLocalScriptIT {
    static final Path SCRIPT =
            Path.of("..", "..", "scripts", "run-local").toAbsolutePath().normalize();

    private static final Pattern PORT = Pattern.compile("PostgreSQL listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern FIRST_STAGE_DONE = Pattern.compile("^\\[stage 1/\\d+\\] .* \\.\\.\\. done in ");

    @Test
    void ctrlCAfterTheFirstStage_stopsPostgres_exits130_andLeavesNothingRunning() throws Exception {
        Path base = Path.of("target", "script-it", "run-local-interrupted").toAbsolutePath();
        // A process started from a test (or from a background job) may inherit an ignored SIGINT, and
        // the JVM then installs no handler for it: `env --default-signal` gives it Ctrl-C's default.
        ProcessBuilder pb = new ProcessBuilder(
                        "env",
                        "--default-signal=INT",
                        "bash",
                        SCRIPT.toString(),
                        "--lines",
                        "20000",
                        "--base-dir",
                        base.toString())
                .redirectErrorStream(true);
        pb.environment().put("DBRE_NO_BUILD", "1");
        Process p = pb.start();
        StringBuilder printed = new StringBuilder();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> firstStage = new CompletableFuture<>();
        Thread reader = new Thread(() -> read(p, printed, port, firstStage), "run-local-output");
        reader.start();

        try {
            firstStage.get(180, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("no first stage line: " + printed, e);
        }
        // scripts/run-local execs java: the process is the JVM itself.
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("run-local stopped").isTrue();
        reader.join(10_000);
        String out;
        synchronized (printed) {
            out = printed.toString();
        }
        assertThat(p.exitValue()).as(out).isEqualTo(130);
        // The stage that was running fails as PostgreSQL goes: no FAILED line for that.
        assertThat(out)
                .contains("[interrupted] stopping PostgreSQL")
                .doesNotContain("FAILED")
                .doesNotContain("[done]");
        assertThat(runningUnder(base)).as("processes under " + base).isEmpty();
        assertThat(base.resolve("postgres/data/postmaster.pid")).doesNotExist();
        try (ServerSocket again = new ServerSocket(port.getNow(-1), 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port.getNow(-1));
        }
    }

    /** Copies the output, noting PostgreSQL's port and the end of the first stage. */
    private static void read(
            Process p, StringBuilder printed, CompletableFuture<Integer> port, CompletableFuture<Void> firstStage) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (printed) {
                    printed.append(line).append('\n');
                }
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
                if (FIRST_STAGE_DONE.matcher(line).find()) {
                    firstStage.complete(null);
                }
            }
        } catch (IOException e) {
            firstStage.completeExceptionally(e);
        }
        firstStage.completeExceptionally(new IllegalStateException("run-local ended before its first stage"));
    }

    /** Live processes whose command line names {@code dir} (PostgreSQL is started with its data directory). */
    private static List<String> runningUnder(Path dir) throws IOException {
        // Its background processes name no directory: look for anything with our data directory open too.
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().orElse("").contains(dir.toString()) || cwdUnder(h.pid(), dir))
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
                .toList();
    }

    private static boolean cwdUnder(long pid, Path dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))
                    .startsWith(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
