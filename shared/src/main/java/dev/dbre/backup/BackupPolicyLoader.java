package dev.dbre.backup;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.Retention;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads and validates a backup policy (YAML, or JSON, which is YAML). The format is documented in
 * {@code docs/backup-policy.md}. Validation is strict: unknown fields are errors (a typo such as
 * {@code dialy:} must not silently switch a retention tier off), and every error names the file,
 * the field path and what was wrong.
 */
public final class BackupPolicyLoader {
    /** The tag key that selects databases when the policy gives none. */
    public static final String DEFAULT_TAG_KEY = "dbre:backup-policy";
    /** The most accounts a snapshot can be shared with (the RDS limit). */
    public static final int MAX_SHARE_ACCOUNTS = 20;

    private static final int MAX_COUNT = 100_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([mhdw])");
    private static final Set<String> TOP =
            Set.of("name", "description", "selection", "schedule", "retention", "copy", "share", "drill", "objectives");
    private static final Set<String> SELECTION = Set.of("tag", "databases", "region", "regions");
    private static final Set<String> TAG = Set.of("key", "value");
    private static final Set<String> SCHEDULE = Set.of("every");
    private static final Set<String> RETENTION =
            Set.of("hourly", "daily", "weekly", "monthly", "yearly", "keepAtLeast", "maxAge");
    private static final Set<String> COPY = Set.of("region", "kmsKeyId", "retention");
    private static final Set<String> SHARE = Set.of("accounts");
    private static final Set<String> DRILL =
            Set.of("every", "maxConcurrent", "kinds", "verify", "database", "rowTolerance", "minRows");
    private static final Set<String> VERIFY_CHECK = Set.of("name", "sql", "expect");
    private static final Set<String> OBJECTIVES = Set.of("rpo", "rto");
    /** The most drills a policy may run at once. */
    public static final int MAX_CONCURRENT_DRILLS = 20;
    /** A drill's row-estimate tolerance when the policy gives none (10%). */
    public static final double DEFAULT_ROW_TOLERANCE = 0.10;
    /** Tables the source estimates below this many rows are not compared when the policy gives no minRows. */
    public static final long DEFAULT_MIN_ROWS = 1000;

    private final String file;

    private BackupPolicyLoader(String file) {
        this.file = file;
    }

    /**
     * Reads the policy in {@code path}.
     *
     * @throws PolicyException if the file is not a valid policy (the message names file and field)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static BackupPolicy load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read backup policy " + path + ": " + e.getMessage(), e);
        }
        return parse(path.toString(), text);
    }

    /**
     * Parses a policy from {@code text}; {@code file} names it in error messages.
     *
     * @throws PolicyException if the text is not a valid policy
     */
    public static BackupPolicy parse(String file, String text) {
        return new BackupPolicyLoader(file).policy(yaml(file, text));
    }

    private static Object yaml(String file, String text) {
        // Duplicate keys are refused (the engine's default): the second "daily:" must not win silently.
        Load load = new Load(LoadSettings.builder()
                .setLabel(file)
                .setAllowDuplicateKeys(false)
                .build());
        try {
            return load.loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            String where =
                    mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            throw new PolicyException(file, "", "not valid YAML/JSON: " + where + problem);
        } catch (YamlEngineException e) {
            throw new PolicyException(file, "", "not valid YAML/JSON: " + e.getMessage());
        }
    }

    private BackupPolicy policy(Object doc) {
        if (doc == null) {
            throw new PolicyException(file, "", "is empty: a policy needs name, selection, schedule and retention");
        }
        Map<String, Object> top = map(doc, "");
        fields(top, "", TOP);
        String name = string(required(top, "", "name"), "name");
        if (!NAME.matcher(name).matches()) {
            throw error(
                    "name",
                    "must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit, was "
                            + quote(name));
        }
        if (top.containsKey("description")) {
            string(top.get("description"), "description");
        }
        BackupPolicy.Selection selection = selection(name, map(required(top, "", "selection"), "selection"));
        Duration slot = schedule(required(top, "", "schedule"));
        Retention retention = retention(map(required(top, "", "retention"), "retention"), "retention");
        BackupPolicy.CopyRule copy =
                top.containsKey("copy") ? copy(map(top.get("copy"), "copy"), retention, selection) : null;
        BackupPolicy.ShareRule share = top.containsKey("share") ? share(map(top.get("share"), "share")) : null;
        BackupPolicy.DrillRule drill = top.containsKey("drill") ? drill(map(top.get("drill"), "drill"), copy) : null;
        BackupPolicy.Objectives objectives =
                top.containsKey("objectives") ? objectives(map(top.get("objectives"), "objectives")) : null;
        return new BackupPolicy(name, selection, slot, retention, copy, share, drill, objectives);
    }

    private BackupPolicy.Selection selection(String policyName, Map<String, Object> m) {
        fields(m, "selection", SELECTION);
        List<String> regions;
        if (m.containsKey("region") && m.containsKey("regions")) {
            throw error("selection", "give either region or regions, not both");
        } else if (m.containsKey("region")) {
            regions = List.of(string(m.get("region"), "selection.region"));
        } else if (m.containsKey("regions")) {
            regions = strings(m.get("regions"), "selection.regions");
            if (regions.isEmpty()) {
                throw error("selection.regions", "must list at least one region");
            }
        } else {
            throw error("selection", "region (or regions) is required: where to look for the databases");
        }
        unique(regions, "selection.regions");
        if (m.containsKey("tag") && m.containsKey("databases")) {
            throw error("selection", "give either tag or databases, not both");
        }
        if (m.containsKey("databases")) {
            List<String> ids = strings(m.get("databases"), "selection.databases");
            if (ids.isEmpty()) {
                throw error("selection.databases", "must list at least one database id (or select by tag)");
            }
            unique(ids, "selection.databases");
            return new BackupPolicy.Selection(regions, DEFAULT_TAG_KEY, policyName, ids);
        }
        String key = DEFAULT_TAG_KEY;
        String value = policyName;
        if (m.containsKey("tag")) {
            Map<String, Object> tag = map(m.get("tag"), "selection.tag");
            fields(tag, "selection.tag", TAG);
            if (tag.containsKey("key")) {
                key = string(tag.get("key"), "selection.tag.key");
            }
            if (tag.containsKey("value")) {
                value = string(tag.get("value"), "selection.tag.value");
            }
        }
        return new BackupPolicy.Selection(regions, key, value, List.of());
    }

    private Duration schedule(Object value) {
        String path = "schedule";
        Object every = value;
        if (value instanceof Map<?, ?>) {
            Map<String, Object> m = map(value, path);
            fields(m, path, SCHEDULE);
            path = "schedule.every";
            every = required(m, "schedule", "every");
        }
        String text = string(every, path);
        Duration slot = switch (text.toLowerCase(Locale.ROOT)) {
            case "hourly" -> Duration.ofHours(1);
            case "daily" -> Duration.ofDays(1);
            default -> duration(text, path);
        };
        long minutes = slot.toMinutes();
        boolean wholeMinutes = slot.equals(Duration.ofMinutes(minutes));
        boolean aligned = minutes > 0 && (1440 % minutes == 0 || minutes % 1440 == 0);
        if (!wholeMinutes || !aligned || slot.compareTo(Duration.ofDays(366)) > 0) {
            throw error(
                    path,
                    "must be hourly, daily, or a whole number of minutes that divides a day (15m, 1h, 6h)"
                            + " or whole days (up to 366d), was " + quote(text));
        }
        return slot;
    }

    private Retention retention(Map<String, Object> m, String path) {
        fields(m, path, RETENTION);
        Duration maxAge =
                m.containsKey("maxAge") ? duration(string(m.get("maxAge"), path + ".maxAge"), path + ".maxAge") : null;
        if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
            throw error(path + ".maxAge", "must be a positive duration, was " + quote(String.valueOf(m.get("maxAge"))));
        }
        return new Retention(
                count(m, path, "hourly", 0),
                count(m, path, "daily", 0),
                count(m, path, "weekly", 0),
                count(m, path, "monthly", 0),
                count(m, path, "yearly", 0),
                count(m, path, "keepAtLeast", 1),
                maxAge);
    }

    private BackupPolicy.CopyRule copy(
            Map<String, Object> m, Retention policyRetention, BackupPolicy.Selection selection) {
        fields(m, "copy", COPY);
        String region = string(required(m, "copy", "region"), "copy.region");
        if (selection.regions().contains(region)) {
            throw error("copy.region", "must differ from the regions the databases are in, was " + quote(region));
        }
        String kms = m.containsKey("kmsKeyId") ? string(m.get("kmsKeyId"), "copy.kmsKeyId") : null;
        Retention retention = m.containsKey("retention")
                ? retention(map(m.get("retention"), "copy.retention"), "copy.retention")
                : policyRetention;
        return new BackupPolicy.CopyRule(region, kms, retention);
    }

    private BackupPolicy.ShareRule share(Map<String, Object> m) {
        fields(m, "share", SHARE);
        List<String> accounts = strings(required(m, "share", "accounts"), "share.accounts");
        if (accounts.isEmpty()) {
            throw error("share.accounts", "must list at least one account (or leave share out)");
        }
        if (accounts.size() > MAX_SHARE_ACCOUNTS) {
            throw error(
                    "share.accounts",
                    "at most " + MAX_SHARE_ACCOUNTS + " accounts (the RDS limit), was " + accounts.size());
        }
        unique(accounts, "share.accounts");
        return new BackupPolicy.ShareRule(accounts);
    }

    private BackupPolicy.DrillRule drill(Map<String, Object> m, BackupPolicy.CopyRule copy) {
        fields(m, "drill", DRILL);
        Duration every = positiveDuration(required(m, "drill", "every"), "drill.every");
        int maxConcurrent = m.containsKey("maxConcurrent") ? count(m, "drill", "maxConcurrent", 1) : 1;
        if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT_DRILLS) {
            throw error("drill.maxConcurrent", "must be from 1 to " + MAX_CONCURRENT_DRILLS + ", was " + maxConcurrent);
        }
        List<BackupPolicy.DrillKind> kinds = new ArrayList<>();
        if (m.containsKey("kinds")) {
            List<String> names = strings(m.get("kinds"), "drill.kinds");
            if (names.isEmpty()) {
                throw error("drill.kinds", "must list at least one of pitr, snapshot, copy");
            }
            unique(names, "drill.kinds");
            for (int i = 0; i < names.size(); i++) {
                BackupPolicy.DrillKind kind = drillKind(names.get(i), "drill.kinds[" + i + "]");
                if (kind == BackupPolicy.DrillKind.COPY && copy == null) {
                    throw error(
                            "drill.kinds[" + i + "]",
                            "copy needs a copy rule (copy: {region: ...}): there is no second region to restore from");
                }
                kinds.add(kind);
            }
        } else {
            kinds.add(BackupPolicy.DrillKind.PITR);
        }
        List<Map<String, Object>> verify = new ArrayList<>();
        if (m.containsKey("verify")) {
            Object v = m.get("verify");
            if (!(v instanceof List<?> list)) {
                throw error("drill.verify", "must be a list of checks ({name, sql, expect}), was " + show(v));
            }
            for (int i = 0; i < list.size(); i++) {
                String p = "drill.verify[" + i + "]";
                Map<String, Object> check = map(list.get(i), p);
                fields(check, p, VERIFY_CHECK);
                string(required(check, p, "name"), p + ".name");
                string(required(check, p, "sql"), p + ".sql");
                map(required(check, p, "expect"), p + ".expect");
                verify.add(check);
            }
        }
        String database = m.containsKey("database") ? string(m.get("database"), "drill.database") : "postgres";
        double tolerance = DEFAULT_ROW_TOLERANCE;
        if (m.containsKey("rowTolerance")) {
            Object t = m.get("rowTolerance");
            if (!(t instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 10) {
                throw error("drill.rowTolerance", "must be a fraction from 0 to 10 (0.1 = 10%), was " + show(t));
            }
            tolerance = n.doubleValue();
        }
        long minRows = m.containsKey("minRows") ? count(m, "drill", "minRows", 0) : DEFAULT_MIN_ROWS;
        return new BackupPolicy.DrillRule(every, maxConcurrent, kinds, verify, database, tolerance, minRows);
    }

    private BackupPolicy.DrillKind drillKind(String text, String path) {
        for (BackupPolicy.DrillKind k : BackupPolicy.DrillKind.values()) {
            if (k.label().equals(text)) {
                return k;
            }
        }
        throw error(path, "must be pitr, snapshot or copy, was " + quote(text));
    }

    private BackupPolicy.Objectives objectives(Map<String, Object> m) {
        fields(m, "objectives", OBJECTIVES);
        if (m.isEmpty()) {
            throw error("objectives", "give rpo, rto or both (or leave objectives out)");
        }
        Duration rpo = m.containsKey("rpo") ? positiveDuration(m.get("rpo"), "objectives.rpo") : null;
        Duration rto = m.containsKey("rto") ? positiveDuration(m.get("rto"), "objectives.rto") : null;
        return new BackupPolicy.Objectives(rpo, rto);
    }

    private Duration positiveDuration(Object v, String path) {
        String text = string(v, path);
        Duration d = duration(text, path);
        if (d.isZero() || d.isNegative()) {
            throw error(path, "must be a positive duration, was " + quote(text));
        }
        return d;
    }

    // ---- typed reads; each names the field path in its error

    private int count(Map<String, Object> m, String path, String field, int defaultValue) {
        if (!m.containsKey(field)) {
            return defaultValue;
        }
        Object v = m.get(field);
        String p = path + "." + field;
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            BigInteger n = new BigInteger(v.toString());
            if (n.signum() >= 0 && n.compareTo(BigInteger.valueOf(MAX_COUNT)) <= 0) {
                return n.intValue();
            }
        }
        throw error(
                p,
                "must be a whole number >= 0" + (v instanceof Number ? " and <= " + MAX_COUNT : "") + ", was "
                        + show(v));
    }

    private Duration duration(String text, String path) {
        var shortForm = SHORT_DURATION.matcher(text);
        if (shortForm.matches()) {
            long n = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw error(
                    path,
                    "must be a duration such as 90d, 12h, 30m, 2w or ISO-8601 (P90D, PT12H; months and years"
                            + " have no fixed length: use days), was " + quote(text));
        }
    }

    private Object required(Map<String, Object> m, String path, String field) {
        Object v = m.get(field);
        if (v == null) {
            String p = path.isEmpty() ? field : path + "." + field;
            throw error(p, m.containsKey(field) ? "must have a value" : "is required");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object v, String path) {
        if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw error(path, "field names must be text, was " + show(k));
                }
            }
            return (Map<String, Object>) m;
        }
        throw error(path.isEmpty() ? "" : path, "must be a mapping of fields, was " + show(v));
    }

    private void fields(Map<String, Object> m, String path, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                String p = path.isEmpty() ? k : path + "." + k;
                throw error(
                        p,
                        "unknown field (allowed here: "
                                + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private String string(Object v, String path) {
        if (v instanceof String s) {
            if (s.isBlank()) {
                throw error(path, "must not be empty");
            }
            return s.trim();
        }
        if (v instanceof Number) {
            throw error(
                    path, "must be text, was the number " + v + " (quote it: an unquoted number loses leading zeros)");
        }
        throw error(path, "must be text, was " + show(v));
    }

    private List<String> strings(Object v, String path) {
        if (!(v instanceof List<?> list)) {
            throw error(path, "must be a list, was " + show(v));
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(string(list.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private void unique(List<String> values, String path) {
        for (int i = 0; i < values.size(); i++) {
            if (values.indexOf(values.get(i)) != i) {
                throw error(path + "[" + i + "]", "duplicate " + quote(values.get(i)));
            }
        }
    }

    private PolicyException error(String path, String problem) {
        return new PolicyException(file, path, problem);
    }

    private static String show(Object v) {
        if (v == null) {
            return "nothing (null)";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return v.toString();
    }

    private static String quote(String s) {
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
    }
}
