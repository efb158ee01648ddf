package dev.dbre.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/deploy} in dry-run: with the jar, the class path and a CA bundle the test makes,
 * it installs the pinned CDK command line (scripts/install-cdk-cli, from npm), runs {@code cdk
 * synth} through it (the app and its cdk-nag checks in a new JVM, as a deployment does) and prints
 * the {@code cdk deploy} it would run. The assembly's template has the golden template's resources.
 */
class DeployScriptTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String output) {}

    @Test
    void awsDryRun_synthesizesThroughTheCdkCli_andPrintsTheDeploy() throws Exception {
        assumeTrue(
                onPath("node") && onPath("npm"),
                "node and npm are not installed: the CDK command line cannot run here (CI has them)");
        Path dir = TestFiles.tmp("deploy");
        Path out = dir.resolve("cdk.out");
        JsonNode golden = JSON.readTree(Files.readString(TemplateSnapshotTest.GOLDEN.resolve("dbre.template.json")));
        Map<String, String> handlers = new java.util.TreeMap<>();
        golden.get("Resources").forEach(r -> {
            String handler = r.path("Properties").path("Handler").asText();
            if (handler.startsWith("dev.dbre.")) {
                handlers.put(r.path("Properties").path("FunctionName").asText(), handler);
            }
        });
        assertThat(handlers)
                .containsEntry("dbre-maintenance", "dev.dbre.aws.maintenance.MaintenanceHandler::handleRequest")
                .containsEntry("dbre-slo-report", "dev.dbre.aws.slo.SloReportHandler::handleRequest")
                .containsEntry("dbre-restore-fleet-drill", "dev.dbre.aws.restore.RestoreDrillHandler::handleRequest");
        Run run = run(
                Map.of(
                        "DBRE_LAMBDA_JAR",
                                jarWithClasses(dir, handlers.values()).toString(),
                        "DBRE_RDS_CA_BUNDLE", TestFiles.rdsBundle(dir).toString(),
                        "DBRE_CDK_CLASSPATH", classPath(),
                        "DBRE_CDK_OUT", out.toString()),
                "aws",
                "--dry-run",
                "--config",
                "infra-cdk/config/example.json");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("would run: " + ROOT.resolve("infra-cdk/node_modules/.bin/cdk")
                        + " deploy --no-notices --app " + out + " --all --require-approval never")
                .contains("dry run: nothing was deployed");
        // It lists every function of the stack with its handler, all found in the jar.
        handlers.forEach((name, handler) -> assertThat(run.output()).contains("  " + name + "  " + handler + "\n"));
        assertThat(run.output()).doesNotContain("MISSING");
        // The nag packs ran in the CLI's synthesis too, and found nothing unsuppressed.
        assertThat(out.resolve("AwsSolutions-dbre-NagReport.csv")).exists();
        assertThat(Files.readString(out.resolve("AwsSolutions-dbre-NagReport.csv")))
                .doesNotContain("Non-Compliant");

        JsonNode cli =
                JSON.readTree(TemplateSnapshotTest.normalize(Files.readString(out.resolve("dbre.template.json"))));
        for (Iterator<Map.Entry<String, JsonNode>> it = golden.get("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            JsonNode synthesized = cli.get("Resources").get(r.getKey());
            assertThat(synthesized).as(r.getKey()).isNotNull();
            assertThat(synthesized.get("Properties"))
                    .as(r.getKey())
                    .isEqualTo(r.getValue().get("Properties"));
        }
    }

    @Test
    void azureAndGcp_areHandedToTheirTerraformScripts() throws Exception {
        // An option only the dispatcher passes on: the cloud's own script (terraform/ tests run its
        // dry run) answers, not the dispatcher. Nothing is built.
        for (String cloud : List.of("azure", "gcp")) {
            Run run = run(Map.of(), cloud, "--no-such-option");
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.output()).contains("deploy-" + cloud + ": unknown option '--no-such-option'");
        }
    }

    @Test
    void awsWithoutConfig_namesTheOption() throws Exception {
        Run run = run(Map.of(), "aws", "--dry-run");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("--config FILE is required");
    }

    private static Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(
                List.of("bash", ROOT.resolve("scripts/deploy").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), output);
    }

    /** A stand-in Lambda jar holding an (empty) class file for each handler. */
    private static Path jarWithClasses(Path dir, java.util.Collection<String> handlers) throws Exception {
        Path jar = dir.resolve("dbre-aws-handlers-lambda.jar");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            for (String cls : new java.util.TreeSet<>(handlers.stream()
                    .map(h -> h.substring(0, h.indexOf("::")).replace('.', '/') + ".class")
                    .toList())) {
                zip.putNextEntry(new java.util.zip.ZipEntry(cls));
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** The test JVM's class path (surefire hides it behind a manifest-only jar). */
    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
