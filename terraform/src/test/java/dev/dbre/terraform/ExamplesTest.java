package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExamplesTest {
    private static final Set<String> MODULE_META =
            Set.of("source", "version", "providers", "count", "for_each", "depends_on");

    @Test
    void everyExampleUsesItsModule() {
        assertThat(Project.module("examples/azure")
                        .modules
                        .get("dbre")
                        .path("source")
                        .asText())
                .isEqualTo("../../modules/azure");
        assertThat(Project.module("examples/gcp")
                        .modules
                        .get("dbre")
                        .path("source")
                        .asText())
                .isEqualTo("../../modules/gcp");
    }

    @Test
    void everyInputAnExamplePassesExistsAndEveryRequiredOneIsPassed() {
        List<String> problems = new ArrayList<>();
        for (String dir : Project.EXAMPLES) {
            problems.addAll(moduleCallProblems(Project.module(dir), Project.modules(), dir));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyModuleOutputAnExampleReadsIsDeclared() {
        List<String> problems = new ArrayList<>();
        for (String dir : Project.EXAMPLES) {
            problems.addAll(outputProblems(
                    Project.module(dir), Project.modules(), Project.facts().path("refs"), dir));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void aWrongInputOrOutputNameIsReported() throws IOException {
        Path dir = Project.tempDir();
        TfModule example = Project.scratch(dir, "main.tf", """
                module "dbre" {
                  source      = "../../modules/azure"
                  name_prefx  = "x"
                }
                output "url" { value = module.dbre.ingest_uri }
                """);

        // Checked as if it were an example beside the real ones.
        String asDir = "examples/scratch";
        List<String> calls = moduleCallProblems(example, Project.modules(), asDir);
        List<String> outputs = outputProblems(
                example, Project.modules(), Project.scratchFacts(dir).path("refs"), asDir);

        assertThat(calls)
                .contains(asDir + ": module dbre passes name_prefx, which ../../modules/azure does not declare")
                .contains(asDir + ": module dbre does not pass the required name_prefix");
        assertThat(outputs)
                .containsExactly(asDir + ": module.dbre.ingest_uri: ../../modules/azure has no output ingest_uri");
    }

    private static List<String> moduleCallProblems(TfModule example, Map<String, TfModule> all, String dir) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> call : example.modules.entrySet()) {
            String source = call.getValue().path("source").asText();
            TfModule target = all.get(Path.of(dir).resolve(source).normalize().toString());
            if (target == null) {
                problems.add(
                        dir + ": module " + call.getKey() + " has a source " + source + " that is not in terraform/");
                continue;
            }
            call.getValue().fieldNames().forEachRemaining(input -> {
                if (!MODULE_META.contains(input) && !target.variables.containsKey(input)) {
                    problems.add(dir + ": module " + call.getKey() + " passes " + input + ", which " + source
                            + " does not declare");
                }
            });
            target.variables.forEach((name, body) -> {
                if (!body.has("default") && !call.getValue().has(name)) {
                    problems.add(dir + ": module " + call.getKey() + " does not pass the required " + name);
                }
            });
        }
        return problems;
    }

    private static List<String> outputProblems(TfModule example, Map<String, TfModule> all, JsonNode refs, String dir) {
        List<String> problems = new ArrayList<>();
        for (String expression : example.expressions()) {
            for (JsonNode ref : refs.path(expression)) {
                List<String> p = TfModule.parts(ref.asText());
                if (p.size() < 3 || !p.get(0).equals("module") || !example.modules.containsKey(p.get(1))) {
                    continue;
                }
                String source = example.modules.get(p.get(1)).path("source").asText();
                TfModule target =
                        all.get(Path.of(dir).resolve(source).normalize().toString());
                if (target != null && !target.outputs.containsKey(p.get(2))) {
                    problems.add(dir + ": " + ref.asText() + ": " + source + " has no output " + p.get(2));
                }
            }
        }
        return problems.stream().distinct().toList();
    }
}
