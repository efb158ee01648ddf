package dev.dbre.slo.spec;

import dev.dbre.slo.spec.DbreQuery.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Validates the {@code spec} of a {@code type: dbre} metric source against {@link Source}'s table. */
final class DbreSpecs {
    /** A DogStatsD metric or check name, as the ingest parser accepts it. */
    private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,199}");

    private DbreSpecs() {}

    static DbreQuery parse(YamlDoc doc, Node node, String path, boolean threshold) {
        Set<String> allowed = new HashSet<>(Set.of("source"));
        Map<String, Node> probe = doc.fields(node, path, Set.of("source"), true);
        Node sourceNode = doc.required(probe, node, path, "source");
        String sourceName = doc.string(sourceNode, path + ".source");
        Source source = Source.fromSpec(sourceName);
        if (source == null) {
            throw doc.error(
                    sourceNode,
                    path + ".source",
                    "must be one of metric, service_check, ingest, backup, drill, rotation, was \"" + sourceName
                            + "\"");
        }
        if (threshold && !source.allowsThreshold()) {
            throw doc.error(
                    sourceNode,
                    path + ".source",
                    "\"" + sourceName + "\" has no values to compare with a threshold (metric and drill do);"
                            + " use a ratioMetric");
        }
        if (source.subjectKey != null) {
            allowed.add(source.subjectKey);
        }
        allowed.addAll(source.scopeKeys);
        if (source.tags) {
            allowed.add("tags");
        }
        if (source == Source.SERVICE_CHECK) {
            allowed.add("status");
        }
        if (!source.counts.isEmpty() && !threshold) {
            allowed.add("count");
            allowed.addAll(source.limits.values());
        }
        Map<String, Node> f = doc.fields(node, path, allowed);
        String subject = null;
        if (source.subjectKey != null) {
            Node s = doc.required(f, node, path, source.subjectKey);
            subject = doc.string(s, path + "." + source.subjectKey);
            if (source != Source.BACKUP && !METRIC_NAME.matcher(subject).matches()) {
                throw doc.error(
                        s,
                        path + "." + source.subjectKey,
                        "must be a metric name (a letter, then letters, digits, '_' or '.'), was \"" + subject + "\"");
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        if (f.containsKey("tags")) {
            for (Map.Entry<String, Object> e :
                    doc.freeForm(f.get("tags"), path + ".tags").entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw doc.error(f.get("tags"), path + ".tags." + e.getKey(), "must be a text value");
                }
                tags.put(e.getKey(), v);
            }
        }
        Map<String, String> scope = new LinkedHashMap<>();
        for (String key : source.scopeKeys) {
            if (f.containsKey(key)) {
                scope.put(key, doc.string(f.get(key), path + "." + key));
            }
        }
        List<String> statuses = new ArrayList<>();
        if (f.containsKey("status")) {
            Node st = f.get("status");
            List<Node> items = st instanceof SequenceNode seq ? seq.getValue() : List.of(st);
            for (Node item : items) {
                String status = doc.string(item, path + ".status");
                if (!DbreQuery.STATUSES.contains(status) || statuses.contains(status)) {
                    throw doc.error(
                            item,
                            path + ".status",
                            "must list distinct statuses of ok, warning, critical, unknown, was \"" + status + "\"");
                }
                statuses.add(status);
            }
        }
        String count = null;
        Duration limit = null;
        if (!source.counts.isEmpty() && !threshold) {
            Node countNode = doc.required(f, node, path, "count");
            count = doc.string(countNode, path + ".count");
            if (source.totalOf(count) == null) {
                throw doc.error(
                        countNode,
                        path + ".count",
                        "must be one of "
                                + String.join(
                                        ", ",
                                        source.counts.keySet().stream().sorted().toList()) + " for source " + sourceName
                                + ", was \"" + count + "\"");
            }
            String limitKey = source.limits.get(count);
            for (String key : source.limits.values()) {
                if (f.containsKey(key) && !key.equals(limitKey)) {
                    throw doc.error(f.get(key), path + "." + key, "goes only with count " + countFor(source, key));
                }
            }
            if (limitKey != null) {
                Node limitNode = doc.required(f, node, path, limitKey);
                limit = duration(doc, limitNode, path + "." + limitKey);
            }
        }
        return new DbreQuery(source, subject, tags, scope, count, limit, statuses);
    }

    private static String countFor(Source source, String limitKey) {
        return source.limits.entrySet().stream()
                .filter(e -> e.getValue().equals(limitKey))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse("?");
    }

    /** A positive duration: the shorthand (m h d w) or a number of seconds with 's' ({@code 90s}). */
    private static Duration duration(YamlDoc doc, Node node, String path) {
        String text = doc.string(node, path);
        if (node instanceof ScalarNode && text.endsWith("s") && text.length() > 1) {
            String digits = text.substring(0, text.length() - 1);
            if (digits.chars().allMatch(c -> c >= '0' && c <= '9') && digits.length() <= 9) {
                long seconds = Long.parseLong(digits);
                if (seconds > 0) {
                    return Duration.ofSeconds(seconds);
                }
            }
        }
        try {
            SpecDuration d = SpecDuration.parse(text);
            if (!d.isCalendarUnit()) {
                return d.nominal();
            }
        } catch (IllegalArgumentException e) {
            // the message below names every accepted form
        }
        throw doc.error(
                node,
                path,
                "must be a positive duration in seconds, minutes, hours, days or weeks (90s, 5m, 26h, 7d), was \""
                        + text + "\"");
    }
}
