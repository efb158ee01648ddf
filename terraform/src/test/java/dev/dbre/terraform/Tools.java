package dev.dbre.terraform;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's node tools (terraform/tools): the installer, the HCL parser and the provider
 * schema reader. Tests that need them skip, saying why, when node is not installed; every other
 * failure (npm unreachable, a parser error) fails the test.
 */
final class Tools {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path TERRAFORM = locateTerraformDir();
    static final Path ROOT = TERRAFORM.getParent();

    private static List<Path> providerPackages;
    private static final Map<String, JsonNode> SCHEMAS = new HashMap<>();

    private Tools() {}

    private static Path locateTerraformDir() {
        Path dir = Path.of("").toAbsolutePath();
        if (Files.isDirectory(dir.resolve("terraform/modules"))) {
            return dir.resolve("terraform");
        }
        if (Files.isDirectory(dir.resolve("modules")) && Files.isDirectory(dir.resolve("tools"))) {
            return dir;
        }
        throw new IllegalStateException("cannot find the terraform/ directory from " + dir);
    }

    static void assumeNode() {
        assumeTrue(
                commandWorks("node", "--version") && commandWorks("npm", "--version"),
                "node/npm are not installed: the HCL parser (@cdktf/hcl2json) and the provider schemas are npm"
                        + " packages, so the Terraform checks cannot run here");
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Installs hcl2json and fetches the provider packages once; returns the package tarballs. */
    static synchronized List<Path> install() {
        assumeNode();
        if (providerPackages == null) {
            String out = run(
                    List.of("bash", TERRAFORM.resolve("tools/install-tools.sh").toString()), 900);
            List<Path> packages = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.endsWith(".tgz")) {
                    packages.add(Path.of(line.trim()).normalize());
                }
            }
            providerPackages = List.copyOf(packages);
        }
        return providerPackages;
    }

    static Path nodeModules() {
        install();
        return TERRAFORM.resolve(".tools/node_modules");
    }

    /** The parsed .tf files under {@code dirs} (see tools/hcl-facts.mjs). */
    static JsonNode hclFacts(Path root, List<Path> dirs) {
        List<String> command = new ArrayList<>(List.of(
                "node",
                TERRAFORM.resolve("tools/hcl-facts.mjs").toString(),
                nodeModules().toString(),
                root.toString()));
        dirs.forEach(d -> command.add(d.toString()));
        return parse(run(command, 300));
    }

    /** The schema of {@code types} from the provider package whose name contains {@code provider}. */
    static synchronized JsonNode providerSchema(String provider, List<String> types) {
        String key = provider + types;
        return SCHEMAS.computeIfAbsent(key, k -> {
            Path tgz = install().stream()
                    .filter(p -> p.getFileName().toString().contains("provider-" + provider + "-"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no provider package for " + provider));
            List<String> command = new ArrayList<>(List.of(
                    "node",
                    TERRAFORM.resolve("tools/provider-schema.mjs").toString(),
                    tgz.toString(),
                    TERRAFORM.resolve(".tools/schema-" + provider).toString()));
            command.addAll(types);
            return parse(run(command, 600));
        });
    }

    static String run(List<String> command, int timeoutSeconds) {
        Result r = run(command, Map.of(), timeoutSeconds);
        if (r.exit() != 0) {
            throw new IllegalStateException(command + " failed (exit " + r.exit() + "): " + r.stderr());
        }
        return r.stdout();
    }

    record Result(int exit, String stdout, String stderr) {}

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(tmp);
            Path err = Files.createTempFile(tmp, "dbre-tool", ".err");
            Path out = Files.createTempFile(tmp, "dbre-tool", ".out");
            try {
                ProcessBuilder pb =
                        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
                }
                Result r = new Result(
                        p.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
                return r;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json.substring(0, Math.min(200, json.length())), e);
        }
    }
}
