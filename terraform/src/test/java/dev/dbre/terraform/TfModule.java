package dev.dbre.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declarations of one Terraform module (the .tf files of one directory), read from the JSON
 * that @cdktf/hcl2json makes of them: blocks are arrays of objects, expressions are "${...}" strings.
 */
final class TfModule {
    final String dir;
    final Map<String, JsonNode> variables = new LinkedHashMap<>();
    final Set<String> locals = new TreeSet<>();
    final Map<String, JsonNode> outputs = new LinkedHashMap<>();
    final Map<String, JsonNode> modules = new LinkedHashMap<>();
    /** "type.name" → body, for resources and (with a "data." prefix) data sources. */
    final Map<String, JsonNode> resources = new LinkedHashMap<>();
    /** Every file's tree, for walking all expressions. */
    final List<JsonNode> trees = new ArrayList<>();

    final Map<String, JsonNode> requiredProviders = new LinkedHashMap<>();

    private TfModule(String dir) {
        this.dir = dir;
    }

    /** The modules in {@code facts}, by directory (relative to the facts' root). */
    static Map<String, TfModule> all(JsonNode facts) {
        Map<String, TfModule> byDir = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = facts.path("files").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> file = it.next();
            Path parent = Path.of(file.getKey()).getParent();
            String dir = parent == null ? "" : parent.toString();
            byDir.computeIfAbsent(dir, TfModule::new).add(file.getValue());
        }
        return byDir;
    }

    private void add(JsonNode tree) {
        trees.add(tree);
        first(tree.path("variable")).forEach(variables::put);
        first(tree.path("output")).forEach(outputs::put);
        first(tree.path("module")).forEach(modules::put);
        for (JsonNode block : tree.path("locals")) {
            block.fieldNames().forEachRemaining(locals::add);
        }
        for (Iterator<Map.Entry<String, JsonNode>> types = tree.path("resource").fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> type = types.next();
            first(type.getValue()).forEach((name, body) -> resources.put(type.getKey() + "." + name, body));
        }
        for (Iterator<Map.Entry<String, JsonNode>> types = tree.path("data").fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> type = types.next();
            first(type.getValue()).forEach((name, body) -> resources.put("data." + type.getKey() + "." + name, body));
        }
        for (JsonNode terraform : tree.path("terraform")) {
            for (JsonNode rp : terraform.path("required_providers")) {
                rp.fields().forEachRemaining(e -> requiredProviders.put(e.getKey(), e.getValue()));
            }
        }
    }

    /** {name: [body]} → {name: body}. */
    private static Map<String, JsonNode> first(JsonNode byName) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        byName.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().path(0)));
        return out;
    }

    /** The resource and data source types this module uses ("data." prefix for data sources). */
    Set<String> types() {
        Set<String> types = new TreeSet<>();
        for (String key : resources.keySet()) {
            types.add(key.substring(0, key.lastIndexOf('.')));
        }
        return types;
    }

    /** Labels of every dynamic block: inside its content, "label.key" / "label.value" are bound. */
    Set<String> dynamicLabels() {
        Set<String> labels = new TreeSet<>();
        trees.forEach(t -> collectDynamic(t, labels));
        return labels;
    }

    private static void collectDynamic(JsonNode node, Set<String> labels) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("dynamic")) {
                    for (JsonNode d : e.getValue().isArray() ? e.getValue() : List.of(e.getValue())) {
                        d.fieldNames().forEachRemaining(labels::add);
                    }
                }
                collectDynamic(e.getValue(), labels);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectDynamic(n, labels));
        }
    }

    /** Every template string (one holding "${" or "%{") in this module. */
    List<String> expressions() {
        List<String> out = new ArrayList<>();
        trees.forEach(t -> collectStrings(t, out));
        return out;
    }

    static void collectStrings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            String s = node.asText();
            if (s.contains("${") || s.contains("%{")) {
                out.add(s);
            }
        } else if (node.isContainerNode()) {
            node.forEach(n -> collectStrings(n, out));
        }
    }

    /** A reference "a.b.\"c\".0.d" as its name parts, indexes dropped. */
    static List<String> parts(String reference) {
        List<String> parts = new ArrayList<>();
        for (String p : reference.split("\\.")) {
            if (p.startsWith("\"") || p.matches("[0-9]+") || p.equals("*")) {
                continue;
            }
            parts.add(p);
        }
        return parts;
    }
}
