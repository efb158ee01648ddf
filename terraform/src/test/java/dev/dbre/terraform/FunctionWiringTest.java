package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The modules wire exactly what the function code reads: names, entry points, settings. */
class FunctionWiringTest {
    private static final Pattern SETTING_KEY = Pattern.compile("(?m)(?:^|[{,(\\s])\"?(DBRE_[A-Za-z0-9_]+)\"?\\s*=[^=]");
    private static final Pattern CODE_TOKEN = Pattern.compile("DBRE_[A-Z0-9_]+");

    @Test
    void azureModuleNamesEveryFunctionOfTheAzureModuleAndNoOther() {
        Set<String> inCode = azureFunctionNames();
        Set<String> inModule = new TreeSet<>();
        for (JsonNode locals : Project.module("modules/azure").trees) {
            for (JsonNode block : locals.path("locals")) {
                block.path("functions").forEach(v -> inModule.add(v.asText()));
            }
        }
        assertThat(inCode).isNotEmpty();
        Set<String> expected = new TreeSet<>(inCode);
        assertThat(inModule).isEqualTo(expected);
    }

    @Test
    void azureModuleSetsEverySettingABindingExpressionNames() {
        String module = text(Tools.TERRAFORM.resolve("modules/azure"));
        Set<String> missing = new TreeSet<>();
        Matcher m =
                Pattern.compile("\"%([A-Za-z0-9_]+)%\"").matcher(text(Tools.ROOT.resolve("functions/azure/src/main")));
        while (m.find()) {
            if (!Pattern.compile("(?m)^\\s*" + m.group(1) + "\\s*=")
                    .matcher(module)
                    .find()) {
                missing.add(m.group(1));
            }
        }
        assertThat(missing).as("%SETTING% bindings the module does not set").isEmpty();
    }

    @Test
    void everyDbreSettingTheModulesSetIsReadByTheCodeAndDocumented() {
        List<String> problems = new ArrayList<>();
        problems.addAll(settingProblems("modules/azure", "functions/azure"));
        problems.addAll(settingProblems("modules/gcp", "functions/gcp"));
        assertThat(problems).isEmpty();
    }

    @Test
    void requiredSettingsAreSet() {
        assertThat(settingKeys("modules/azure"))
                .contains(
                        "DBRE_DB_HOST",
                        "DBRE_DB_USER",
                        "DBRE_DB_AUTH",
                        "DBRE_AZURE_RESOURCE_GROUP",
                        "DBRE_EVENTHUB_NAME",
                        "DBRE_EVENTHUB_CONSUMER_GROUP",
                        "DBRE_EVENTHUB__fullyQualifiedNamespace",
                        "DBRE_SNAPSHOT_SCHEDULE",
                        "DBRE_DRILL_SCHEDULE",
                        "DBRE_DRILL_REQUEST_FILE",
                        "DBRE_KEY_VAULT_URL",
                        "DBRE_MAINTENANCE_SCHEDULE",
                        "DBRE_SLO_SCHEDULE",
                        "DBRE_SLO_SPEC",
                        "DBRE_SLO_OUT",
                        "DBRE_SLO_NOTIFY",
                        "DBRE_SLO_FORMATS");
        assertThat(text(Tools.TERRAFORM.resolve("modules/azure"))).contains("AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID");
        assertThat(settingKeys("modules/gcp"))
                .contains(
                        "DBRE_CLOUD_SQL_INSTANCE",
                        "DBRE_DB_USER",
                        "DBRE_DB_AUTH",
                        "DBRE_DRILL_REQUEST_FILE",
                        "DBRE_DB_SSLROOTCERT",
                        "DBRE_BACKUP_POLICY",
                        "DBRE_SLO_SPEC",
                        "DBRE_SLO_OUT",
                        "DBRE_SLO_NOTIFY",
                        "DBRE_SLO_FORMATS");
        assertThat(text(Tools.TERRAFORM.resolve("modules/gcp"))).contains("GOOGLE_CLOUD_PROJECT");
    }

    @Test
    void gcpEntryPointsExistAndMatchTheirTrigger() throws IOException {
        List<String> problems = new ArrayList<>();
        int count = 0;
        for (JsonNode tree : Project.module("modules/gcp").trees) {
            for (JsonNode block : tree.path("locals")) {
                for (var fn : block.path("functions").properties()) {
                    count++;
                    String entry = fn.getValue().path("entry_point").asText();
                    Path source =
                            Tools.ROOT.resolve("functions/gcp/src/main/java/" + entry.replace('.', '/') + ".java");
                    if (!Files.exists(source)) {
                        problems.add(fn.getKey() + ": no class " + entry);
                        continue;
                    }
                    String topic = fn.getValue().path("topic").asText("${null}");
                    boolean http = fn.getValue().path("topic").isNull() || topic.equals("${null}");
                    String expected = http ? "implements HttpFunction" : "implements CloudEventsFunction";
                    if (!Files.readString(source).contains(expected)) {
                        problems.add(fn.getKey() + ": " + entry + " is not a class that " + expected);
                    }
                }
            }
        }
        assertThat(count).isEqualTo(8);
        assertThat(problems).isEmpty();
    }

    private static List<String> settingProblems(String moduleDir, String functionsDir) {
        Set<String> codeTokens = new TreeSet<>();
        Matcher m = CODE_TOKEN.matcher(
                text(Tools.ROOT.resolve(functionsDir + "/src/main")) + text(Tools.ROOT.resolve("shared/src/main")));
        while (m.find()) {
            codeTokens.add(m.group());
        }
        String docs = text(Tools.ROOT.resolve(functionsDir + "/README.md")) + text(Tools.ROOT.resolve("docs"));
        List<String> problems = new ArrayList<>();
        for (String key : settingKeys(moduleDir)) {
            // DBRE_EVENTHUB__credential: a connection property of the setting DBRE_EVENTHUB.
            String base = key.contains("__") ? key.substring(0, key.indexOf("__")) : key;
            boolean read = codeTokens.contains(base)
                    || codeTokens.stream().anyMatch(t -> t.endsWith("_") && base.startsWith(t));
            if (!read) {
                problems.add(moduleDir + " sets " + key + ", which " + functionsDir + " never reads");
            }
            if (!docs.contains(base)) {
                problems.add(moduleDir + " sets " + key + ", which neither " + functionsDir + "/README.md nor docs/"
                        + " documents");
            }
        }
        return problems;
    }

    private static Set<String> settingKeys(String moduleDir) {
        Set<String> keys = new TreeSet<>();
        Matcher m = SETTING_KEY.matcher(text(Tools.TERRAFORM.resolve(moduleDir)));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static Set<String> azureFunctionNames() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Tools.ROOT.resolve("functions/azure/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                Matcher fn = Pattern.compile("@FunctionName\\((\\w+)\\)").matcher(src);
                while (fn.find()) {
                    Matcher c = Pattern.compile("String " + fn.group(1) + " = \"([^\"]+)\"")
                            .matcher(src);
                    names.add(c.find() ? c.group(1) : "unresolved:" + fn.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** All text files under {@code path} (or the file), concatenated. */
    static String text(Path path) {
        try (Stream<Path> files = Files.walk(path)) {
            StringBuilder out = new StringBuilder();
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().matches(".*\\.(java|tf|md|json)$"))
                    .sorted()
                    .toList()) {
                out.append(Files.readString(f)).append('\n');
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
