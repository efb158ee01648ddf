package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The database grants are one template, {@code database-grants.sql.tftpl}, in each module; each
 * module's output renders it with exactly the template's variables, bound to the logins of the
 * functions that module deploys. (What the rendered grants allow is tested on a real database by
 * {@code DatabaseGrantsTest} in {@code shared}.)
 */
class DatabaseGrantsWiringTest {
    static final String TEMPLATE = "database-grants.sql.tftpl";
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");

    private final TfModule azure = Project.module("modules/azure");
    private final TfModule gcp = Project.module("modules/gcp");

    /** The {@code ${...}} names the template uses. */
    static TreeSet<String> templateVariables(Path template) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = INTERPOLATION.matcher(Files.readString(template, StandardCharsets.UTF_8));
        while (m.find()) {
            names.add(m.group(1).strip());
        }
        return names;
    }

    /** The variables an output's {@code templatefile(".../database-grants.sql.tftpl", {...})} passes. */
    static Map<String, String> passed(String outputValue) {
        int at = outputValue.indexOf(TEMPLATE);
        assertThat(at).as("the output renders " + TEMPLATE).isPositive();
        String object = outputValue.substring(outputValue.indexOf('{', at), outputValue.indexOf('}', at) + 1);
        Map<String, String> out = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("(\\w+)\\s*=\\s*([^\\n,}]+)").matcher(object);
        while (m.find()) {
            out.put(m.group(1), m.group(2).strip());
        }
        return out;
    }

    private static String output(TfModule m, String name) {
        JsonNode o = m.outputs.get(name);
        assertThat(o).as(m.dir + ": output " + name).isNotNull();
        return o.path("value").asText();
    }

    @Test
    void bothModules_holdTheSameTemplate() throws IOException {
        assertThat(Tools.TERRAFORM.resolve("modules/azure/" + TEMPLATE))
                .hasSameTextualContentAs(Tools.TERRAFORM.resolve("modules/gcp/" + TEMPLATE));
    }

    @Test
    void gcp_rendersIt_withEachJobsIamDatabaseUser() throws IOException {
        Map<String, String> vars = passed(output(gcp, "database_grants_sql"));

        assertThat(vars.keySet()).isEqualTo(templateVariables(Tools.TERRAFORM.resolve("modules/gcp/" + TEMPLATE)));
        assertThat(vars).containsEntry("owner", "var.database.schema_owner");
        for (String job : new String[] {"ingest", "backup", "rotation", "maintenance", "slo"}) {
            assertThat(vars).containsEntry(job, "local.db_user[\"" + job + "\"]");
        }
    }

    @Test
    void azure_rendersIt_withTheAppsOneIdentityInEveryGroup() throws IOException {
        String sql = output(azure, "database_role_sql");
        Map<String, String> vars = passed(sql);

        assertThat(vars.keySet()).isEqualTo(templateVariables(Tools.TERRAFORM.resolve("modules/azure/" + TEMPLATE)));
        assertThat(vars).containsEntry("owner", "var.database.schema_owner");
        for (String job : new String[] {"ingest", "backup", "rotation", "maintenance", "slo"}) {
            assertThat(vars).containsEntry(job, "azurerm_user_assigned_identity.functions.name");
        }
        assertThat(sql.indexOf("pgaadauth_create_principal_with_oid"))
                .as("the identity's Entra role exists before it is granted anything")
                .isBetween(0, sql.indexOf(TEMPLATE));
    }

    @Test
    void gcpRotation_hasADatabaseUser_andLogsInAsIt_toRecordItsSteps() {
        JsonNode locals = locals(gcp);
        assertThat(locals.path("database_accounts").asText()).contains("\"rotation\"");
        assertThat(locals.path("functions")
                        .path("rotate-secret-manager")
                        .path("environment")
                        .path("DBRE_DB_USER")
                        .asText())
                .contains("local.db_user[\"rotation\"]");
    }

    /** All locals blocks of the module merged (each name is declared once). */
    private static JsonNode locals(TfModule m) {
        com.fasterxml.jackson.databind.node.ObjectNode all =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (JsonNode tree : m.trees) {
            for (JsonNode block : tree.path("locals")) {
                block.fields().forEachRemaining(e -> all.set(e.getKey(), e.getValue()));
            }
        }
        return all;
    }
}
