package dev.dbre.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks over parsed modules; each returns the problems it found, each naming where. */
final class TfChecks {
    /** Roots of references that name no declaration (and the primitive types of type constraints). */
    private static final Set<String> BUILT_IN =
            Set.of("each", "count", "self", "path", "terraform", "string", "number", "bool", "any");
    /** Meta-arguments Terraform itself takes in a resource or data block. */
    private static final Set<String> META =
            Set.of("count", "for_each", "depends_on", "provider", "lifecycle", "connection", "provisioner", "dynamic");

    private TfChecks() {}

    /** Every var., local., module., data. and resource reference names a declaration of the module. */
    static List<String> undeclaredReferences(TfModule module, JsonNode refs) {
        List<String> problems = new ArrayList<>();
        Set<String> dynamic = module.dynamicLabels();
        for (String expression : module.expressions()) {
            for (JsonNode ref : refs.path(expression)) {
                String r = ref.asText();
                List<String> p = TfModule.parts(r);
                if (p.isEmpty() || BUILT_IN.contains(p.get(0)) || dynamic.contains(p.get(0))) {
                    continue;
                }
                String problem = switch (p.get(0)) {
                    case "var" -> module.variables.containsKey(p.get(1)) ? null : "variable " + p.get(1);
                    case "local" -> module.locals.contains(p.get(1)) ? null : "local " + p.get(1);
                    case "module" -> module.modules.containsKey(p.get(1)) ? null : "module " + p.get(1);
                    case "data" ->
                        p.size() >= 3 && module.resources.containsKey("data." + p.get(1) + "." + p.get(2))
                                ? null
                                : "data source " + String.join(".", p.subList(1, Math.min(3, p.size())));
                    default ->
                        p.get(0).contains("_") && p.size() >= 2
                                ? (module.resources.containsKey(p.get(0) + "." + p.get(1))
                                        ? null
                                        : "resource " + p.get(0) + "." + p.get(1))
                                : "unknown name " + p.get(0);
                };
                if (problem != null) {
                    problems.add(module.dir + ": " + problem + " is referenced (" + r + ") but not declared");
                }
            }
        }
        return problems.stream().distinct().toList();
    }

    /**
     * Every resource and data source type, argument and nested block exists in {@code schema} (the
     * provider-schema.mjs output), required arguments are set, and every attribute read from a
     * resource exists.
     */
    static List<String> schemaProblems(TfModule module, JsonNode schema, JsonNode refs, String providerPrefix) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> r : module.resources.entrySet()) {
            String type = r.getKey().substring(0, r.getKey().lastIndexOf('.'));
            if (!type.replace("data.", "").startsWith(providerPrefix)) {
                continue;
            }
            JsonNode t = schema.path("types").path(type);
            if (t.isMissingNode()) {
                problems.add(module.dir + ": " + r.getKey() + ": type " + type + " does not exist in the provider");
                continue;
            }
            checkBody(module.dir + ": " + r.getKey(), r.getValue(), t.path("args"), true, problems);
        }
        for (String expression : module.expressions()) {
            for (JsonNode ref : refs.path(expression)) {
                List<String> p = TfModule.parts(ref.asText());
                boolean data = !p.isEmpty() && p.get(0).equals("data");
                List<String> q = data ? p.subList(1, p.size()) : p;
                if (q.size() < 3 || !q.get(0).startsWith(providerPrefix)) {
                    continue;
                }
                JsonNode t = schema.path("types").path((data ? "data." : "") + q.get(0));
                if (t.isMissingNode()) {
                    continue; // reported above, or not declared (undeclaredReferences)
                }
                if (!contains(t.path("attrs"), q.get(2))) {
                    problems.add(module.dir + ": " + ref.asText() + ": " + q.get(0) + " has no attribute " + q.get(2));
                } else if (q.size() >= 4
                        && t.path("args").path(q.get(2)).path("block").asBoolean()) {
                    JsonNode nested = t.path("args").path(q.get(2));
                    if (nested.has("attrs") && !contains(nested.path("attrs"), q.get(3))) {
                        problems.add(module.dir + ": " + ref.asText() + ": block " + q.get(2) + " has no attribute "
                                + q.get(3));
                    }
                }
            }
        }
        return problems.stream().distinct().toList();
    }

    private static void checkBody(String where, JsonNode body, JsonNode args, boolean topLevel, List<String> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (topLevel && META.contains(name) && !name.equals("dynamic")) {
                continue;
            }
            if (name.equals("dynamic")) {
                for (JsonNode d : field.getValue()) {
                    d.fields().forEachRemaining(e -> {
                        JsonNode arg = args.path(e.getKey());
                        if (!arg.path("block").asBoolean()) {
                            problems.add(where + ": dynamic \"" + e.getKey() + "\" is not a block of this type");
                            return;
                        }
                        for (JsonNode dyn : e.getValue()) {
                            for (JsonNode content : dyn.path("content")) {
                                checkBody(where + "." + e.getKey(), content, arg.path("args"), false, problems);
                            }
                        }
                    });
                }
                continue;
            }
            JsonNode arg = args.path(name);
            if (arg.isMissingNode()) {
                problems.add(where + ": argument or block \"" + name + "\" does not exist");
            } else if (arg.path("block").asBoolean()) {
                if (!field.getValue().isArray()) {
                    problems.add(where + ": \"" + name + "\" is a block, written as an attribute");
                    continue;
                }
                for (JsonNode b : field.getValue()) {
                    checkBody(where + "." + name, b, arg.path("args"), false, problems);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            if (a.getValue().path("required").asBoolean() && !body.has(a.getKey()) && !dynamicSets(body, a.getKey())) {
                problems.add(where + ": required \"" + a.getKey() + "\" is not set");
            }
        }
    }

    private static boolean dynamicSets(JsonNode body, String block) {
        for (JsonNode d : body.path("dynamic")) {
            if (d.has(block)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode v : array) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
