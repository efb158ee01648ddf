package dev.dbre.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The project's own modules and examples, parsed once per test run. */
final class Project {
    static final List<String> MODULES = List.of("modules/azure", "modules/gcp");
    static final List<String> EXAMPLES = List.of("examples/azure", "examples/gcp");

    private static JsonNode facts;

    private Project() {}

    static synchronized JsonNode facts() {
        if (facts == null) {
            facts = Tools.hclFacts(
                    Tools.TERRAFORM, List.of(Tools.TERRAFORM.resolve("modules"), Tools.TERRAFORM.resolve("examples")));
        }
        return facts;
    }

    static Map<String, TfModule> modules() {
        return TfModule.all(facts());
    }

    static TfModule module(String dir) {
        TfModule m = modules().get(dir);
        if (m == null) {
            throw new IllegalStateException("no .tf files in terraform/" + dir);
        }
        return m;
    }

    /** Every .tf file in the tree (walked here, not by the parser), relative to terraform/. */
    static List<String> tfFiles() {
        try (Stream<Path> files = Files.walk(Tools.TERRAFORM)) {
            return files.filter(p -> p.toString().endsWith(".tf"))
                    .filter(p -> !Tools.TERRAFORM.relativize(p).toString().startsWith("."))
                    .filter(p -> !Tools.TERRAFORM.relativize(p).toString().startsWith("target"))
                    .map(p -> Tools.TERRAFORM.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new directory under java.io.tmpdir, which surefire points into target/ (created here: this
     * module has no other reason to make it).
     */
    static Path tempDir() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, "tf");
    }

    /** A throw-away module with one file, parsed like the real ones. */
    static TfModule scratch(Path dir, String fileName, String hcl) throws IOException {
        Files.createDirectories(dir.resolve("m"));
        Files.writeString(dir.resolve("m").resolve(fileName), hcl);
        return TfModule.all(Tools.hclFacts(dir, List.of(dir.resolve("m")))).get("m");
    }

    static JsonNode scratchFacts(Path dir) {
        return Tools.hclFacts(dir, List.of(dir.resolve("m")));
    }
}
