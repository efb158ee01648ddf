package dev.dbre.slo.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads typed values out of a composed YAML node tree; every error carries the file, the node's
 * line and the field path. Unknown and duplicate keys are errors: a typo must not silently switch
 * a field off.
 */
final class YamlDoc {
    final String file;

    YamlDoc(String file) {
        this.file = file;
    }

    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    SloSpecException error(Node node, String path, String problem) {
        return new SloSpecException(file, node == null ? 0 : line(node), path, problem);
    }

    /** The entries of a mapping, in order; refuses keys outside {@code allowed} and repeated keys. */
    Map<String, Node> fields(Node node, String path, Set<String> allowed) {
        return fields(node, path, allowed, false);
    }

    /** As {@link #fields(Node, String, Set)}; when {@code lenient}, other keys are skipped, not refused. */
    Map<String, Node> fields(Node node, String path, Set<String> allowed, boolean lenient) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, path, "must be a mapping (key: value), was " + describe(node));
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                throw error(keyNode, path, "keys must be plain names");
            }
            String name = key.getValue();
            String field = join(path, name);
            if (!allowed.contains(name)) {
                if (lenient) {
                    continue;
                }
                throw error(
                        keyNode, field, "unknown field (expected one of " + String.join(", ", sorted(allowed)) + ")");
            }
            if (out.containsKey(name)) {
                throw error(keyNode, field, "is given twice");
            }
            out.put(name, t.getValueNode());
        }
        return out;
    }

    /** The entries of a free-form mapping (no key check beyond duplicates), as plain values. */
    Map<String, Object> freeForm(Node node, String path) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, path, "must be a mapping (key: value), was " + describe(node));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw error(t.getKeyNode(), path, "keys must be plain names");
            }
            if (out.containsKey(key.getValue())) {
                throw error(key, join(path, key.getValue()), "is given twice");
            }
            out.put(key.getValue(), plain(t.getValueNode(), join(path, key.getValue())));
        }
        return out;
    }

    private Object plain(Node node, String path) {
        if (node instanceof MappingNode) {
            return freeForm(node, path);
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new java.util.ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                out.add(plain(seq.getValue().get(i), path + "[" + i + "]"));
            }
            return out;
        }
        ScalarNode s = (ScalarNode) node;
        return Tag.NULL.equals(s.getTag()) ? null : s.getValue();
    }

    Node required(Map<String, Node> fields, Node parent, String path, String key) {
        Node n = fields.get(key);
        if (n == null || isNull(n)) {
            throw error(parent, join(path, key), "is required");
        }
        return n;
    }

    String string(Node node, String path) {
        if (!(node instanceof ScalarNode s) || Tag.NULL.equals(s.getTag())) {
            throw error(node, path, "must be a text value, was " + describe(node));
        }
        return s.getValue();
    }

    double number(Node node, String path) {
        if (node instanceof ScalarNode s && (Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag()))) {
            try {
                double d = Double.parseDouble(s.getValue().replace("_", ""));
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw error(node, path, "must be a number, was " + describe(node));
    }

    boolean bool(Node node, String path) {
        if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
            return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
        }
        throw error(node, path, "must be true or false, was " + describe(node));
    }

    List<Node> list(Node node, String path) {
        if (!(node instanceof SequenceNode seq)) {
            throw error(node, path, "must be a list, was " + describe(node));
        }
        return seq.getValue();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode s) {
            return Tag.NULL.equals(s.getTag()) ? "empty" : "\"" + s.getValue() + "\"";
        }
        return "nothing";
    }
}
