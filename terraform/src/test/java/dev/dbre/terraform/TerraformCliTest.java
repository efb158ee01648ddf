package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `terraform fmt -check` and `terraform validate` (or OpenTofu's `tofu`) where one is installed.
 * Neither can be installed on the project's build machines (no registry serves them), so these skip
 * there; the parser, declaration and schema tests are what runs in every build.
 */
class TerraformCliTest {
    private static String cli() {
        for (String cli : List.of("terraform", "tofu")) {
            try {
                Process p = new ProcessBuilder(cli, "version")
                        .redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return cli;
                }
            } catch (IOException e) {
                // not installed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return null;
    }

    private static boolean providersUnreachable(String stderr) {
        return stderr.contains("Failed to query available provider packages")
                || stderr.contains("Failed to install provider")
                || stderr.contains("could not connect to registry")
                || stderr.contains("dial tcp")
                || stderr.contains("no such host");
    }

    @Test
    void formatIsCanonical() {
        String cli = cli();
        assumeTrue(cli != null, "neither terraform nor tofu is installed: fmt -check skipped");
        for (String dir : List.of("modules", "examples")) {
            Tools.Result r = Tools.run(
                    List.of(
                            cli,
                            "fmt",
                            "-check",
                            "-recursive",
                            "-diff",
                            "-no-color",
                            Tools.TERRAFORM.resolve(dir).toString()),
                    Map.of("TF_IN_AUTOMATION", "1"),
                    120);
            assertThat(r.exit())
                    .as("terraform fmt -check " + dir + ":\n" + r.stdout() + r.stderr())
                    .isZero();
        }
    }

    @Test
    void examplesValidate() {
        String cli = cli();
        assumeTrue(cli != null, "neither terraform nor tofu is installed: validate skipped");
        for (String example : Project.EXAMPLES) {
            String dir = Tools.TERRAFORM.resolve(example).toString();
            Tools.Result init = Tools.run(
                    List.of(cli, "-chdir=" + dir, "init", "-backend=false", "-input=false", "-no-color"),
                    Map.of("TF_IN_AUTOMATION", "1"),
                    600);
            // init downloads the providers; without a registry (or a plugin mirror) validate cannot run.
            assumeTrue(
                    init.exit() == 0 || !providersUnreachable(init.stdout() + init.stderr()),
                    cli + " init could not download the providers (no registry or plugin mirror reachable):"
                            + " validate skipped");
            assertThat(init.exit())
                    .as(example + " init: " + init.stdout() + init.stderr())
                    .isZero();
            Tools.Result validate = Tools.run(
                    List.of(cli, "-chdir=" + dir, "validate", "-no-color"), Map.of("TF_IN_AUTOMATION", "1"), 300);
            assertThat(validate.exit())
                    .as(example + " validate: " + validate.stdout() + validate.stderr())
                    .isZero();
        }
    }
}
