package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every resource type, argument, nested block and read attribute exists at the provider version the
 * examples pin, read from the CDK-for-Terraform package generated from that version's schema
 * (tools/provider-schema.mjs).
 */
class ProviderSchemaTest {
    @Test
    void azureModuleMatchesTheAzurermSchema() {
        assertMatches("modules/azure", "azurerm", "azurerm_");
        assertMatches("examples/azure", "azurerm", "azurerm_");
    }

    @Test
    void gcpModuleMatchesTheGoogleSchema() {
        assertMatches("modules/gcp", "google", "google_");
        assertMatches("examples/gcp", "google", "google_");
    }

    @Test
    void examplesPinTheProviderVersionTheSchemaComesFrom() {
        for (String[] c : new String[][] {{"examples/azure", "azurerm"}, {"examples/gcp", "google"}}) {
            JsonNode schema = Tools.providerSchema(
                    c[1], List.of(c[1] + "_" + (c[1].equals("google") ? "storage_bucket" : "resource_group")));
            String version = schema.path("provider").path("version").asText();
            assertThat(Project.module(c[0])
                            .requiredProviders
                            .get(c[1])
                            .path("version")
                            .asText())
                    .as(c[0] + " pins " + c[1])
                    .isEqualTo(version);
            String constraint = Project.module("modules/" + c[0].substring("examples/".length()))
                    .requiredProviders
                    .get(c[1])
                    .path("version")
                    .asText();
            assertThat(constraint)
                    .as("the module's constraint admits " + version)
                    .startsWith(">= " + version);
        }
    }

    @Test
    void aMisspelledArgumentAMissingRequiredOneAndAnUnknownAttributeAreReported() throws IOException {
        Path dir = Project.tempDir();
        TfModule m = Project.scratch(dir, "main.tf", """
                resource "azurerm_eventhub" "hub" {
                  name             = "metrics"
                  namespace_id     = "x"
                  partition_counts = 4
                  retention_description {
                    cleanup_policy = "Delete"
                    bogus          = 1
                  }
                }
                resource "azurerm_no_such_thing" "x" {}
                output "o" { value = azurerm_eventhub.hub.partition_idz }
                """);
        JsonNode schema = Tools.providerSchema("azurerm", List.copyOf(m.types()));

        List<String> problems =
                TfChecks.schemaProblems(m, schema, Project.scratchFacts(dir).path("refs"), "azurerm_");

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "m: azurerm_eventhub.hub: argument or block \"partition_counts\" does not exist",
                        "m: azurerm_eventhub.hub: required \"partition_count\" is not set",
                        "m: azurerm_eventhub.hub.retention_description: argument or block \"bogus\" does not exist",
                        "m: azurerm_no_such_thing.x: type azurerm_no_such_thing does not exist in the provider",
                        "m: azurerm_eventhub.hub.partition_idz: azurerm_eventhub has no attribute partition_idz");
    }

    private static void assertMatches(String dir, String provider, String prefix) {
        TfModule m = Project.module(dir);
        List<String> types = new ArrayList<>(new TreeSet<>(m.types()));
        if (types.isEmpty()) {
            return; // an example that only calls its module
        }
        JsonNode schema = Tools.providerSchema(provider, types);
        assertThat(schema.path("missing"))
                .as(dir + ": types not in the provider")
                .isEmpty();
        assertThat(TfChecks.schemaProblems(m, schema, Project.facts().path("refs"), prefix))
                .isEmpty();
    }
}
