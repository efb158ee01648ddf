package dev.dbre.slo.spec;

import dev.dbre.slo.spec.Indicator.IndicatorMetric;
import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.RawType;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a set of OpenSLO v1 files (kinds SLO, SLI, AlertPolicy, AlertCondition, DataSource;
 * Service and AlertNotificationTarget are checked and otherwise ignored) and validates them by the
 * spec's rules plus ours ({@code docs/slo.md}). The set is all or nothing: every problem found is
 * collected, each with file, line and field, and one {@link SloSpecException} lists them all.
 */
public final class SloSpecs {
    /** RFC 1123 label: at most 63 lowercase letters, digits and '-', alphanumeric at both ends. */
    private static final Pattern RFC1123 = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private static final Pattern ZERO = Pattern.compile("0+[mhdw]");
    private static final int MAX_DESCRIPTION = 1050;
    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final Set<String> KINDS =
            Set.of("SLO", "SLI", "AlertPolicy", "AlertCondition", "DataSource", "Service", "AlertNotificationTarget");
    private static final Set<String> DOC = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final Set<String> METADATA = Set.of("name", "displayName", "labels", "annotations");
    private static final Set<String> SLO_SPEC = Set.of(
            "description",
            "service",
            "indicator",
            "indicatorRef",
            "timeWindow",
            "budgetingMethod",
            "objectives",
            "alertPolicies");
    private static final Set<String> INLINE = Set.of("metadata", "spec");
    private static final Set<String> INLINE_WITH_KIND = Set.of("kind", "metadata", "spec");
    private static final Set<String> SLI_SPEC = Set.of("description", "thresholdMetric", "ratioMetric");
    private static final Set<String> RATIO = Set.of("counter", "good", "bad", "total", "raw", "rawType");
    private static final Set<String> METRIC_HOLDER = Set.of("metricSource");
    private static final Set<String> METRIC_SOURCE = Set.of("metricSourceRef", "type", "spec");
    private static final Set<String> WINDOW = Set.of("duration", "isRolling", "calendar");
    private static final Set<String> CALENDAR = Set.of("startTime", "timeZone");
    private static final Set<String> OBJECTIVE = Set.of(
            "displayName",
            "op",
            "value",
            "target",
            "targetPercent",
            "timeSliceTarget",
            "timeSliceWindow",
            "indicator",
            "indicatorRef",
            "compositeWeight");
    private static final Set<String> POLICY_SPEC = Set.of(
            "description",
            "alertWhenNoData",
            "alertWhenResolved",
            "alertWhenBreaching",
            "conditions",
            "notificationTargets");
    private static final Set<String> CONDITION_SPEC = Set.of("description", "severity", "condition");
    private static final Set<String> CONDITION = Set.of("kind", "op", "threshold", "lookbackWindow", "alertAfter");
    private static final Set<String> DATA_SOURCE_SPEC = Set.of("description", "type", "connectionDetails");
    private static final Set<String> SERVICE_SPEC = Set.of("description");
    private static final Set<String> TARGET_SPEC = Set.of("description", "target");

    private final List<SpecProblem> problems = new ArrayList<>();
    /** Every named document by kind and name, for references. */
    private final Map<String, Map<String, Named>> byKind = new HashMap<>();
    /** Names whose definition was refused (a reference to them is not a second error). */
    private final Set<String> refused = new HashSet<>();

    private record Named(YamlDoc doc, Node node, String name, String displayName, Node spec) {}

    private SloSpecs() {}

    /**
     * Reads every {@code .yaml} / {@code .yml} file under {@code path} (a file or a folder, in name
     * order).
     *
     * @throws SloSpecException if any file is invalid (every problem, with file, line and field)
     * @throws UncheckedIOException if a file cannot be read
     */
    public static SloSpecSet load(Path path) {
        Map<String, String> files = new LinkedHashMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(path)) {
            paths = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SLO specs in " + path + ": " + e.getMessage(), e);
        }
        for (Path p : paths) {
            try {
                files.put(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read SLO spec " + p + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) {
            throw new SloSpecException(path.toString(), 0, "", "no .yaml or .yml file found");
        }
        return parse(files);
    }

    /**
     * Parses a set of files given as name to text (names are used in errors only).
     *
     * @throws SloSpecException if any file is invalid
     */
    public static SloSpecSet parse(Map<String, String> files) {
        return new SloSpecs().read(files);
    }

    private SloSpecSet read(Map<String, String> files) {
        List<Named> slos = new ArrayList<>();
        files.forEach((file, text) -> {
            YamlDoc doc = new YamlDoc(file);
            for (Node root : documents(file, text)) {
                attempt(() -> {
                    Named named = header(doc, root);
                    if (named != null && kindOf(doc, root).equals("SLO")) {
                        slos.add(named);
                    }
                });
            }
        });
        // Kinds that others refer to are checked first, so a reference to a refused one is not
        // reported twice.
        Map<String, Indicator> slis = new HashMap<>();
        Map<String, String> dataSources = new HashMap<>();
        for (Named n : named("DataSource")) {
            attempt(n, () -> dataSources.put(n.name, dataSource(n)));
        }
        for (Named n : named("SLI")) {
            attempt(
                    n,
                    () -> slis.put(
                            n.name, indicator(n.doc, n.node, n.name, n.displayName, n.spec, "spec", dataSources)));
        }
        Map<String, AlertRule> conditions = new HashMap<>();
        for (Named n : named("AlertCondition")) {
            attempt(n, () -> conditions.put(n.name, condition(n.doc, n.name, n.spec, "spec")));
        }
        Map<String, AlertRule> policies = new HashMap<>();
        for (Named n : named("AlertPolicy")) {
            attempt(n, () -> policies.put(n.name, policy(n.doc, n.name, n.spec, "spec", conditions)));
        }
        for (Named n : named("Service")) {
            attempt(n, () -> n.doc.fields(n.spec, "spec", SERVICE_SPEC));
        }
        for (Named n : named("AlertNotificationTarget")) {
            attempt(n, () -> n.doc.fields(n.spec, "spec", TARGET_SPEC));
        }
        List<Slo> out = new ArrayList<>();
        for (Named n : slos) {
            attempt(n, () -> out.add(slo(n, slis, policies, conditions, dataSources)));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(SpecProblem::file).thenComparingInt(SpecProblem::line));
            throw new SloSpecException(problems);
        }
        return new SloSpecSet(out);
    }

    private Iterable<Node> documents(String file, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).build();
        List<Node> docs = new ArrayList<>();
        try {
            for (Node n : new Compose(settings).composeAllFromString(text)) {
                if (n != null && !YamlDoc.isNull(n)) {
                    docs.add(n);
                }
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            problems.add(
                    new SpecProblem(file, mark == null ? 0 : mark.getLine() + 1, "", "not valid YAML: " + problem));
            return List.of();
        } catch (YamlEngineException e) {
            problems.add(new SpecProblem(file, 0, "", "not valid YAML: " + e.getMessage()));
            return List.of();
        }
        if (docs.isEmpty()) {
            problems.add(new SpecProblem(file, 0, "", "has no document"));
        }
        return docs;
    }

    private void attempt(Runnable step) {
        try {
            step.run();
        } catch (SloSpecException e) {
            problems.addAll(e.problems());
        }
    }

    private void attempt(Named n, Runnable step) {
        try {
            step.run();
        } catch (SloSpecException e) {
            refused.add(n.name);
            problems.addAll(e.problems());
        }
    }

    private List<Named> named(String kind) {
        return List.copyOf(byKind.getOrDefault(kind, Map.of()).values());
    }

    private static String kindOf(YamlDoc doc, Node root) {
        return doc.string(doc.fields(root, "", DOC).get("kind"), "kind");
    }

    /** Checks apiVersion, kind and metadata, and registers the document by kind and name. */
    private Named header(YamlDoc doc, Node root) {
        Map<String, Node> f = doc.fields(root, "", DOC);
        String version = doc.string(doc.required(f, root, "", "apiVersion"), "apiVersion");
        if (!version.equals("openslo/v1")) {
            throw doc.error(f.get("apiVersion"), "apiVersion", "must be openslo/v1, was \"" + version + "\"");
        }
        String kind = doc.string(doc.required(f, root, "", "kind"), "kind");
        if (!KINDS.contains(kind)) {
            throw doc.error(
                    f.get("kind"),
                    "kind",
                    "unknown kind \"" + kind + "\" (expected one of "
                            + String.join(", ", KINDS.stream().sorted().toList()) + ")");
        }
        Node metaNode = doc.required(f, root, "", "metadata");
        String[] meta = metadata(doc, metaNode, "metadata");
        Node spec = doc.required(f, root, "", "spec");
        Named named = new Named(doc, root, meta[0], meta[1], spec);
        Map<String, Named> names = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        Named before = names.putIfAbsent(meta[0], named);
        if (before != null) {
            throw doc.error(
                    metaNode,
                    "metadata.name",
                    kind + " \"" + meta[0] + "\" is defined twice (first at " + before.doc.file + ":"
                            + YamlDoc.line(before.node) + ")");
        }
        return named;
    }

    /** Returns {name, displayName}. */
    private static String[] metadata(YamlDoc doc, Node node, String path) {
        Map<String, Node> m = doc.fields(node, path, METADATA);
        Node nameNode = doc.required(m, node, path, "name");
        String name = doc.string(nameNode, path + ".name");
        if (!RFC1123.matcher(name).matches()) {
            throw doc.error(
                    nameNode,
                    path + ".name",
                    "must be an RFC 1123 label (at most 63 lowercase letters, digits and '-', starting and"
                            + " ending with a letter or digit), was \"" + name + "\"");
        }
        String displayName =
                m.containsKey("displayName") ? doc.string(m.get("displayName"), path + ".displayName") : null;
        if (m.containsKey("labels")) {
            Node labels = m.get("labels");
            for (Map.Entry<String, Object> e :
                    doc.freeForm(labels, path + ".labels").entrySet()) {
                Object v = e.getValue();
                boolean ok = v instanceof String
                        || (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String));
                if (!ok) {
                    throw doc.error(labels, path + ".labels." + e.getKey(), "must be a text or a list of texts");
                }
            }
        }
        if (m.containsKey("annotations")) {
            doc.freeForm(m.get("annotations"), path + ".annotations");
        }
        return new String[] {name, displayName};
    }

    private static void description(YamlDoc doc, Map<String, Node> f, String path) {
        if (f.containsKey("description")) {
            String d = doc.string(f.get("description"), YamlDoc.join(path, "description"));
            if (d.length() > MAX_DESCRIPTION) {
                throw doc.error(
                        f.get("description"),
                        YamlDoc.join(path, "description"),
                        "must be at most " + MAX_DESCRIPTION + " characters, was " + d.length());
            }
        }
    }

    private String dataSource(Named n) {
        YamlDoc doc = n.doc;
        Map<String, Node> f = doc.fields(n.spec, "spec", DATA_SOURCE_SPEC);
        description(doc, f, "spec");
        String type = doc.string(doc.required(f, n.spec, "spec", "type"), "spec.type");
        if (f.containsKey("connectionDetails")) {
            doc.freeForm(f.get("connectionDetails"), "spec.connectionDetails");
        }
        return type;
    }

    private Slo slo(
            Named n,
            Map<String, Indicator> slis,
            Map<String, AlertRule> policies,
            Map<String, AlertRule> conditions,
            Map<String, String> dataSources) {
        YamlDoc doc = n.doc;
        Map<String, Node> f = doc.fields(n.spec, "spec", SLO_SPEC);
        description(doc, f, "spec");
        String service = doc.string(doc.required(f, n.spec, "spec", "service"), "spec.service");
        String description = f.containsKey("description") ? doc.string(f.get("description"), "spec.description") : null;
        Indicator indicator;
        if (f.containsKey("indicator") == f.containsKey("indicatorRef")) {
            throw doc.error(n.spec, "spec", "give exactly one of indicator (inline) and indicatorRef (an SLI's name)");
        } else if (f.containsKey("indicator")) {
            Node inline = f.get("indicator");
            Map<String, Node> i = doc.fields(inline, "spec.indicator", INLINE);
            String[] meta =
                    metadata(doc, doc.required(i, inline, "spec.indicator", "metadata"), "spec.indicator.metadata");
            Node spec = doc.required(i, inline, "spec.indicator", "spec");
            indicator = indicator(doc, inline, meta[0], meta[1], spec, "spec.indicator.spec", dataSources);
        } else {
            Node ref = f.get("indicatorRef");
            String name = doc.string(ref, "spec.indicatorRef");
            indicator = slis.get(name);
            if (indicator == null) {
                throw doc.error(
                        ref,
                        "spec.indicatorRef",
                        refused.contains(name)
                                ? "the SLI \"" + name + "\" is invalid (see its own error)"
                                : "no SLI named \"" + name + "\" in this set of files");
            }
        }
        TimeWindow window = timeWindow(doc, doc.required(f, n.spec, "spec", "timeWindow"), "spec.timeWindow");
        Node methodNode = doc.required(f, n.spec, "spec", "budgetingMethod");
        BudgetingMethod method = BudgetingMethod.fromSpec(doc.string(methodNode, "spec.budgetingMethod"));
        if (method == null) {
            throw doc.error(
                    methodNode,
                    "spec.budgetingMethod",
                    "must be Occurrences, Timeslices or RatioTimeslices, was " + YamlDoc.describe(methodNode));
        }
        Node objectivesNode = doc.required(f, n.spec, "spec", "objectives");
        List<Node> objectiveNodes = doc.list(objectivesNode, "spec.objectives");
        if (objectiveNodes.isEmpty()) {
            throw doc.error(objectivesNode, "spec.objectives", "must list at least one objective");
        }
        boolean threshold = indicator.metric() instanceof ThresholdMetric;
        if (threshold && objectiveNodes.size() > 1) {
            throw doc.error(objectivesNode, "spec.objectives", "a threshold metric allows only one objective");
        }
        List<Objective> objectives = new ArrayList<>();
        for (int i = 0; i < objectiveNodes.size(); i++) {
            objectives.add(
                    objective(doc, objectiveNodes.get(i), "spec.objectives[" + i + "]", threshold, method, window));
        }
        List<AlertRule> rules = new ArrayList<>();
        if (f.containsKey("alertPolicies")) {
            List<Node> items = doc.list(f.get("alertPolicies"), "spec.alertPolicies");
            for (int i = 0; i < items.size(); i++) {
                rules.add(policyItem(doc, items.get(i), "spec.alertPolicies[" + i + "]", policies, conditions));
            }
        }
        return new Slo(
                n.name,
                n.displayName,
                service,
                description,
                indicator,
                window,
                method,
                objectives,
                rules,
                new Location(doc.file, YamlDoc.line(n.node)));
    }

    private Indicator indicator(
            YamlDoc doc,
            Node at,
            String name,
            String displayName,
            Node spec,
            String path,
            Map<String, String> dataSources) {
        Map<String, Node> f = doc.fields(spec, path, SLI_SPEC);
        description(doc, f, path);
        IndicatorMetric metric;
        if (f.containsKey("thresholdMetric") == f.containsKey("ratioMetric")) {
            throw doc.error(spec, path, "give exactly one of thresholdMetric and ratioMetric");
        } else if (f.containsKey("thresholdMetric")) {
            MetricSource source =
                    metricHolder(doc, f.get("thresholdMetric"), path + ".thresholdMetric", dataSources, true);
            metric = new ThresholdMetric(source);
        } else {
            metric = ratio(doc, f.get("ratioMetric"), path + ".ratioMetric", dataSources);
        }
        return new Indicator(name, displayName, metric, new Location(doc.file, YamlDoc.line(at)));
    }

    private RatioMetric ratio(YamlDoc doc, Node node, String path, Map<String, String> dataSources) {
        Map<String, Node> f = doc.fields(node, path, RATIO);
        boolean counter = f.containsKey("counter") && doc.bool(f.get("counter"), path + ".counter");
        boolean raw = f.containsKey("raw");
        if (raw == f.containsKey("total")) {
            throw doc.error(
                    node, path, "give either total (with good or bad) or raw (with rawType), not both or neither");
        }
        if (raw) {
            if (f.containsKey("good") || f.containsKey("bad")) {
                throw doc.error(node, path, "good and bad go with total, not with raw");
            }
            Node typeNode = doc.required(f, node, path, "rawType");
            String type = doc.string(typeNode, path + ".rawType");
            RawType rawType = switch (type) {
                case "success" -> RawType.SUCCESS;
                case "failure" -> RawType.FAILURE;
                default ->
                    throw doc.error(typeNode, path + ".rawType", "must be success or failure, was \"" + type + "\"");
            };
            MetricSource source = metricHolder(doc, f.get("raw"), path + ".raw", dataSources, false);
            if (source.dbre() != null && source.dbre().source() != DbreQuery.Source.METRIC) {
                throw doc.error(
                        f.get("raw"), path + ".raw", "a raw ratio can only be read from source: metric (a gauge)");
            }
            return new RatioMetric(counter, null, null, null, source, rawType);
        }
        if (f.containsKey("rawType")) {
            throw doc.error(f.get("rawType"), path + ".rawType", "goes only with raw");
        }
        if (f.containsKey("good") == f.containsKey("bad")) {
            throw doc.error(node, path, "give exactly one of good and bad, with total");
        }
        String part = f.containsKey("good") ? "good" : "bad";
        MetricSource counted = metricHolder(doc, f.get(part), path + "." + part, dataSources, false);
        MetricSource total = metricHolder(doc, f.get("total"), path + ".total", dataSources, false);
        pair(doc, f.get(part), path + "." + part, counted, total);
        return part.equals("good")
                ? new RatioMetric(counter, counted, null, total, null, null)
                : new RatioMetric(counter, null, counted, total, null, null);
    }

    /** Checks that the good (or bad) side of a dbre ratio is counted against the right total. */
    private static void pair(YamlDoc doc, Node at, String path, MetricSource counted, MetricSource total) {
        DbreQuery c = counted.dbre();
        DbreQuery t = total.dbre();
        if (c == null && t == null) {
            return;
        }
        if (c == null || t == null || c.source() != t.source()) {
            throw doc.error(at, path, "must read the same dbre source as total");
        }
        if (c.count() != null) {
            String expected = c.source().totalOf(c.count());
            if (expected.isEmpty() || !expected.equals(t.count())) {
                throw doc.error(
                        at,
                        path + ".metricSource.spec.count",
                        expected.isEmpty()
                                ? "\"" + c.count() + "\" is a total; count what is good or bad here"
                                : "\"" + c.count() + "\" is counted against total count \"" + expected + "\", not \""
                                        + t.count() + "\"");
            }
        }
        // The record sources count one set of records two ways; a DogStatsD ratio may divide two metrics.
        boolean records = c.count() != null;
        if (records && (!c.scope().equals(t.scope()) || !java.util.Objects.equals(c.subject(), t.subject()))) {
            throw doc.error(at, path, "must select the same " + c.source().specName() + " records as total");
        }
    }

    private MetricSource metricHolder(
            YamlDoc doc, Node node, String path, Map<String, String> dataSources, boolean threshold) {
        Map<String, Node> f = doc.fields(node, path, METRIC_HOLDER);
        Node sourceNode = doc.required(f, node, path, "metricSource");
        String p = path + ".metricSource";
        Map<String, Node> s = doc.fields(sourceNode, p, METRIC_SOURCE);
        String ref =
                s.containsKey("metricSourceRef") ? doc.string(s.get("metricSourceRef"), p + ".metricSourceRef") : null;
        String type = s.containsKey("type") ? doc.string(s.get("type"), p + ".type") : null;
        if (ref != null) {
            String refType = dataSources.get(ref);
            if (refType == null) {
                throw doc.error(
                        s.get("metricSourceRef"),
                        p + ".metricSourceRef",
                        refused.contains(ref)
                                ? "the DataSource \"" + ref + "\" is invalid (see its own error)"
                                : "no DataSource named \"" + ref + "\" in this set of files");
            }
            if (type != null && !type.equals(refType)) {
                throw doc.error(s.get("type"), p + ".type", "differs from the DataSource's type \"" + refType + "\"");
            }
            type = refType;
        }
        if (type == null) {
            throw doc.error(sourceNode, p + ".type", "is required (or a metricSourceRef to a DataSource)");
        }
        Node specNode = doc.required(s, sourceNode, p, "spec");
        Map<String, Object> spec = doc.freeForm(specNode, p + ".spec");
        if (spec.isEmpty()) {
            throw doc.error(specNode, p + ".spec", "must not be empty");
        }
        DbreQuery dbre = type.equals("dbre") ? DbreSpecs.parse(doc, specNode, p + ".spec", threshold) : null;
        return new MetricSource(type, ref, spec, dbre);
    }

    private static TimeWindow timeWindow(YamlDoc doc, Node node, String path) {
        List<Node> items = doc.list(node, path);
        if (items.size() != 1) {
            throw doc.error(node, path, "must list exactly one time window, has " + items.size());
        }
        Node w = items.get(0);
        String p = path + "[0]";
        Map<String, Node> f = doc.fields(w, p, WINDOW);
        Node durationNode = doc.required(f, w, p, "duration");
        SpecDuration duration = duration(doc, durationNode, p + ".duration");
        boolean rolling = f.containsKey("isRolling") && doc.bool(f.get("isRolling"), p + ".isRolling");
        if (rolling) {
            if (f.containsKey("calendar")) {
                throw doc.error(
                        f.get("calendar"), p + ".calendar", "is not allowed on a rolling window (isRolling: true)");
            }
            return new TimeWindow(duration, true, null, null);
        }
        if (!f.containsKey("calendar")) {
            throw doc.error(w, p + ".calendar", "is required unless isRolling is true");
        }
        Node cal = f.get("calendar");
        Map<String, Node> c = doc.fields(cal, p + ".calendar", CALENDAR);
        Node startNode = doc.required(c, cal, p + ".calendar", "startTime");
        String start = doc.string(startNode, p + ".calendar.startTime");
        LocalDateTime startTime;
        try {
            startTime = LocalDateTime.parse(start, START_TIME);
        } catch (DateTimeParseException e) {
            throw doc.error(
                    startNode,
                    p + ".calendar.startTime",
                    "must be a local time \"yyyy-MM-dd HH:mm:ss\" (the zone is timeZone), was \"" + start + "\"");
        }
        Node zoneNode = doc.required(c, cal, p + ".calendar", "timeZone");
        String zoneName = doc.string(zoneNode, p + ".calendar.timeZone");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw doc.error(
                    zoneNode,
                    p + ".calendar.timeZone",
                    "must be an IANA time zone such as UTC or Europe/Berlin, was \"" + zoneName + "\"");
        }
        return new TimeWindow(duration, false, startTime, zone);
    }

    private static SpecDuration duration(YamlDoc doc, Node node, String path) {
        try {
            return SpecDuration.parse(doc.string(node, path));
        } catch (IllegalArgumentException e) {
            throw doc.error(node, path, e.getMessage());
        }
    }

    /** A fixed-length duration (m h d w), for slices and alert windows. */
    private static Duration fixedDuration(YamlDoc doc, Node node, String path, boolean bareMinutes) {
        String text = doc.string(node, path);
        if (bareMinutes && !text.isEmpty() && text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            text = text + "m";
        }
        SpecDuration d;
        try {
            d = SpecDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw doc.error(node, path, e.getMessage());
        }
        if (d.isCalendarUnit()) {
            throw doc.error(node, path, "must be in minutes, hours, days or weeks (m h d w), was \"" + text + "\"");
        }
        return d.nominal();
    }

    private static Objective objective(
            YamlDoc doc, Node node, String path, boolean threshold, BudgetingMethod method, TimeWindow window) {
        Map<String, Node> f = doc.fields(node, path, OBJECTIVE);
        for (String composite : List.of("indicator", "indicatorRef", "compositeWeight")) {
            if (f.containsKey(composite)) {
                throw doc.error(
                        f.get(composite),
                        path + "." + composite,
                        "composite SLOs are not supported: give one SLO per indicator");
            }
        }
        String displayName =
                f.containsKey("displayName") ? doc.string(f.get("displayName"), path + ".displayName") : null;
        Operator op = null;
        Double value = null;
        if (threshold) {
            Node opNode = doc.required(f, node, path, "op");
            op = Operator.fromSpec(doc.string(opNode, path + ".op"));
            if (op == null) {
                throw doc.error(opNode, path + ".op", "must be lt, lte, gt or gte, was " + YamlDoc.describe(opNode));
            }
            value = doc.number(doc.required(f, node, path, "value"), path + ".value");
        } else {
            for (String key : List.of("op", "value")) {
                if (f.containsKey(key)) {
                    throw doc.error(
                            f.get(key), path + "." + key, "is only for threshold metrics (this SLI is a ratio)");
                }
            }
        }
        double target;
        if (f.containsKey("target") == f.containsKey("targetPercent")) {
            throw doc.error(node, path, "give exactly one of target (0..1) and targetPercent (0..100)");
        } else if (f.containsKey("target")) {
            target = doc.number(f.get("target"), path + ".target");
            if (!(target >= 0 && target < 1)) {
                throw doc.error(f.get("target"), path + ".target", "must be in [0, 1), was " + target);
            }
        } else {
            double percent = doc.number(f.get("targetPercent"), path + ".targetPercent");
            if (!(percent >= 0 && percent < 100)) {
                throw doc.error(f.get("targetPercent"), path + ".targetPercent", "must be in [0, 100), was " + percent);
            }
            target = percent / 100.0;
        }
        Double sliceTarget = null;
        Duration sliceWindow = null;
        if (method == BudgetingMethod.OCCURRENCES) {
            for (String key : List.of("timeSliceTarget", "timeSliceWindow")) {
                if (f.containsKey(key)) {
                    throw doc.error(
                            f.get(key), path + "." + key, "is only for Timeslices and RatioTimeslices budgeting");
                }
            }
        } else {
            Node windowNode = doc.required(f, node, path, "timeSliceWindow");
            sliceWindow = fixedDuration(doc, windowNode, path + ".timeSliceWindow", true);
            sliceWindowFits(doc, windowNode, path + ".timeSliceWindow", sliceWindow, window);
            if (method == BudgetingMethod.TIMESLICES) {
                Node t = doc.required(f, node, path, "timeSliceTarget");
                sliceTarget = doc.number(t, path + ".timeSliceTarget");
                if (!(sliceTarget > 0 && sliceTarget <= 1)) {
                    throw doc.error(t, path + ".timeSliceTarget", "must be in (0, 1], was " + sliceTarget);
                }
            } else if (f.containsKey("timeSliceTarget")) {
                throw doc.error(
                        f.get("timeSliceTarget"),
                        path + ".timeSliceTarget",
                        "is only for Timeslices (RatioTimeslices averages the slice ratios)");
            }
        }
        return new Objective(displayName, op, value, target, sliceTarget, sliceWindow);
    }

    /**
     * Slices must tile the window: a rolling window is a whole number of slices; a calendar period
     * is cut from its start, and its days may be 23 or 25 hours long, so slices must divide an hour.
     */
    private static void sliceWindowFits(YamlDoc doc, Node node, String path, Duration slice, TimeWindow window) {
        long sliceMinutes = slice.toMinutes();
        if (window.rolling()) {
            long windowMinutes = window.duration().nominal().toMinutes();
            if (windowMinutes % sliceMinutes != 0) {
                throw doc.error(node, path, "must divide the time window " + window.duration() + " into whole slices");
            }
        } else if (60 % sliceMinutes != 0) {
            throw doc.error(
                    node,
                    path,
                    "must divide an hour (1m, 2m, 5m, 10m, 15m, 30m, 1h) in a calendar window: days in the"
                            + " time zone may be 23 or 25 hours long");
        }
    }

    private AlertRule policyItem(
            YamlDoc doc, Node node, String path, Map<String, AlertRule> policies, Map<String, AlertRule> conditions) {
        Map<String, Node> f = doc.fields(node, path, Set.of("alertPolicyRef", "kind", "metadata", "spec"));
        if (f.containsKey("alertPolicyRef")) {
            if (f.size() > 1) {
                throw doc.error(node, path, "an alertPolicyRef stands alone");
            }
            return ref(doc, f.get("alertPolicyRef"), path + ".alertPolicyRef", "AlertPolicy", policies);
        }
        inlineKind(doc, f, node, path, "AlertPolicy");
        String[] meta = metadata(doc, doc.required(f, node, path, "metadata"), path + ".metadata");
        return policy(doc, meta[0], doc.required(f, node, path, "spec"), path + ".spec", conditions);
    }

    private static void inlineKind(YamlDoc doc, Map<String, Node> f, Node node, String path, String kind) {
        Node kindNode = doc.required(f, node, path, "kind");
        if (!doc.string(kindNode, path + ".kind").equals(kind)) {
            throw doc.error(kindNode, path + ".kind", "must be " + kind + ", was " + YamlDoc.describe(kindNode));
        }
    }

    private static AlertRule ref(YamlDoc doc, Node node, String path, String kind, Map<String, AlertRule> defined) {
        String name = doc.string(node, path);
        AlertRule rule = defined.get(name);
        if (rule == null) {
            throw doc.error(node, path, "no valid " + kind + " named \"" + name + "\" in this set of files");
        }
        return rule;
    }

    private AlertRule policy(YamlDoc doc, String name, Node spec, String path, Map<String, AlertRule> conditions) {
        Map<String, Node> f = doc.fields(spec, path, POLICY_SPEC);
        description(doc, f, path);
        boolean whenBreaching = flag(doc, f, path, "alertWhenBreaching", true);
        boolean whenResolved = flag(doc, f, path, "alertWhenResolved", true);
        boolean whenNoData = flag(doc, f, path, "alertWhenNoData", false);
        Node condNode = doc.required(f, spec, path, "conditions");
        List<Node> items = doc.list(condNode, path + ".conditions");
        if (items.size() != 1) {
            throw doc.error(condNode, path + ".conditions", "must list exactly one condition, has " + items.size());
        }
        String p = path + ".conditions[0]";
        Node item = items.get(0);
        Map<String, Node> c = doc.fields(item, p, Set.of("conditionRef", "kind", "metadata", "spec"));
        AlertRule condition;
        if (c.containsKey("conditionRef")) {
            if (c.size() > 1) {
                throw doc.error(item, p, "a conditionRef stands alone");
            }
            condition = ref(doc, c.get("conditionRef"), p + ".conditionRef", "AlertCondition", conditions);
        } else {
            inlineKind(doc, c, item, p, "AlertCondition");
            String[] meta = metadata(doc, doc.required(c, item, p, "metadata"), p + ".metadata");
            condition = condition(doc, meta[0], doc.required(c, item, p, "spec"), p + ".spec");
        }
        List<String> targetNames = new ArrayList<>();
        if (f.containsKey("notificationTargets")) {
            List<Node> targets = doc.list(f.get("notificationTargets"), path + ".notificationTargets");
            for (int i = 0; i < targets.size(); i++) {
                String tp = path + ".notificationTargets[" + i + "]";
                Map<String, Node> t = doc.fields(targets.get(i), tp, Set.of("targetRef", "kind", "metadata", "spec"));
                if (t.containsKey("targetRef")) {
                    if (t.size() > 1) {
                        throw doc.error(targets.get(i), tp, "a targetRef stands alone");
                    }
                    String ref = doc.string(t.get("targetRef"), tp + ".targetRef");
                    if (!byKind.getOrDefault("AlertNotificationTarget", Map.of())
                            .containsKey(ref)) {
                        throw doc.error(
                                t.get("targetRef"),
                                tp + ".targetRef",
                                "no AlertNotificationTarget named \"" + ref + "\" in this set of files");
                    }
                    targetNames.add(ref);
                } else {
                    inlineKind(doc, t, targets.get(i), tp, "AlertNotificationTarget");
                    String[] meta = metadata(doc, doc.required(t, targets.get(i), tp, "metadata"), tp + ".metadata");
                    doc.fields(doc.required(t, targets.get(i), tp, "spec"), tp + ".spec", TARGET_SPEC);
                    targetNames.add(meta[0]);
                }
            }
        }
        return new AlertRule(
                name,
                condition.severity(),
                condition.longWindow(),
                condition.shortWindow(),
                null,
                condition.burnRate(),
                condition.alertAfter(),
                new AlertRule.Notify(whenBreaching, whenResolved, whenNoData, targetNames));
    }

    private static boolean flag(YamlDoc doc, Map<String, Node> f, String path, String name, boolean otherwise) {
        return f.containsKey(name) ? doc.bool(f.get(name), path + "." + name) : otherwise;
    }

    /**
     * An AlertCondition of kind burnrate. OpenSLO gives one lookback window; the short window is a
     * twelfth of it, as in the SRE workbook (1h/5m, 6h/30m, 1d/2h, 3d/6h).
     */
    private static AlertRule condition(YamlDoc doc, String name, Node spec, String path) {
        Map<String, Node> f = doc.fields(spec, path, CONDITION_SPEC);
        description(doc, f, path);
        String severity = doc.string(doc.required(f, spec, path, "severity"), path + ".severity");
        Node condNode = doc.required(f, spec, path, "condition");
        String p = path + ".condition";
        Map<String, Node> c = doc.fields(condNode, p, CONDITION);
        Node kindNode = doc.required(c, condNode, p, "kind");
        if (!doc.string(kindNode, p + ".kind").equals("burnrate")) {
            throw doc.error(kindNode, p + ".kind", "must be burnrate, was " + YamlDoc.describe(kindNode));
        }
        Node opNode = doc.required(c, condNode, p, "op");
        Operator op = Operator.fromSpec(doc.string(opNode, p + ".op"));
        if (op != Operator.GT && op != Operator.GTE) {
            throw doc.error(opNode, p + ".op", "must be gt (or gte) for a burn rate, was " + YamlDoc.describe(opNode));
        }
        Node thresholdNode = doc.required(c, condNode, p, "threshold");
        double threshold = doc.number(thresholdNode, p + ".threshold");
        if (!(threshold > 0)) {
            throw doc.error(thresholdNode, p + ".threshold", "must be a burn rate above 0, was " + threshold);
        }
        Node lookbackNode = doc.required(c, condNode, p, "lookbackWindow");
        Duration lookback = fixedDuration(doc, lookbackNode, p + ".lookbackWindow", false);
        if (lookback.toMinutes() < 12) {
            throw doc.error(
                    lookbackNode, p + ".lookbackWindow", "must be at least 12m (the short window is a twelfth)");
        }
        Duration alertAfter = Duration.ZERO;
        if (c.containsKey("alertAfter")
                && !ZERO.matcher(doc.string(c.get("alertAfter"), p + ".alertAfter"))
                        .matches()) {
            alertAfter = fixedDuration(doc, c.get("alertAfter"), p + ".alertAfter", false);
        }
        Duration shortWindow = Duration.ofMinutes(lookback.toMinutes() / 12);
        return new AlertRule(name, severity, lookback, shortWindow, null, threshold, alertAfter);
    }
}
