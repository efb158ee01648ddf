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

class DeclarationsTest {
    /** Free-form maps whose every value is valid: nothing to validate. */
    private static final Set<String> NO_VALIDATION_NEEDED = Set.of("tags", "labels");

    @Test
    void everyReferencedVariableLocalModuleAndResourceIsDeclared() {
        List<String> problems = new ArrayList<>();
        for (String dir : concat(Project.MODULES, Project.EXAMPLES)) {
            problems.addAll(TfChecks.undeclaredReferences(
                    Project.module(dir), Project.facts().path("refs")));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void anUndeclaredReferenceIsReported() throws IOException {
        Path dir = Project.tempDir();
        TfModule m = Project.scratch(dir, "main.tf", """
                variable "known" { type = string }
                locals { here = var.known }
                resource "azurerm_resource_group" "rg" {
                  name     = "${var.missing}-${local.here}"
                  location = local.nowhere
                  tags     = { for k, v in var.known : k => v if k != azurerm_storage_account.gone.id }
                }
                output "o" { value = data.azurerm_client_config.none.tenant_id }
                """);

        List<String> problems =
                TfChecks.undeclaredReferences(m, Project.scratchFacts(dir).path("refs"));

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "m: variable missing is referenced (var.missing) but not declared",
                        "m: local nowhere is referenced (local.nowhere) but not declared",
                        "m: resource azurerm_storage_account.gone is referenced (azurerm_storage_account.gone.id) but"
                                + " not declared",
                        "m: data source azurerm_client_config.none is referenced"
                                + " (data.azurerm_client_config.none.tenant_id) but not declared");
    }

    @Test
    void everyModuleVariableIsTypedDescribedAndValidated() {
        List<String> problems = new ArrayList<>();
        for (String dir : Project.MODULES) {
            for (Map.Entry<String, JsonNode> v : Project.module(dir).variables.entrySet()) {
                String where = dir + ": variable " + v.getKey();
                if (!v.getValue().has("type")) problems.add(where + " has no type");
                if (v.getValue().path("description").asText().isBlank()) problems.add(where + " has no description");
                if (!v.getValue().has("validation") && !NO_VALIDATION_NEEDED.contains(v.getKey())) {
                    problems.add(where + " has no validation");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOutputIsDescribed() {
        List<String> problems = new ArrayList<>();
        for (String dir : concat(Project.MODULES, Project.EXAMPLES)) {
            Project.module(dir).outputs.forEach((name, body) -> {
                if (body.path("description").asText().isBlank()) problems.add(dir + ": output " + name);
            });
        }
        assertThat(problems).as("outputs without a description").isEmpty();
        assertThat(Project.module("modules/azure").outputs).isNotEmpty();
        assertThat(Project.module("modules/gcp").outputs).isNotEmpty();
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
