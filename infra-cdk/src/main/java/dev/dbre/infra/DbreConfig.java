package dev.dbre.infra;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one deployment is made of: the account and Region, the network and database the functions
 * reach, and one optional section per function group (a section left out deploys nothing of that
 * group). Read from a JSON file ({@code -c config=FILE}; {@code infra-cdk/config/example.json} is
 * the documented example); file paths inside it are relative to the file. Every error names the
 * file and the field path, and unknown fields are refused so a typo cannot silently turn a
 * setting off.
 */
public record DbreConfig(
        String account,
        String region,
        String stackName,
        String runtime,
        String architecture,
        int logRetentionDays,
        Network network,
        Database database,
        Optional<Ingest> ingest,
        Optional<Snapshot> snapshot,
        Optional<Restore> restore,
        Optional<Rotation> rotation,
        Optional<Maintenance> maintenance,
        Optional<SloReport> sloReport,
        Alarms alarms) {

    /** The private subnets the functions run in, and the database's security group. */
    public record Network(
            String vpcId,
            List<String> availabilityZones,
            List<String> privateSubnetIds,
            String databaseSecurityGroupId) {}

    /**
     * The database holding the ingested data and the runs tables, reached with an RDS IAM token:
     * {@code resourceId} is the instance's DbiResourceId or the Aurora cluster's resource id.
     */
    public record Database(String host, int port, String name, String user, String resourceId) {}

    /** Either an existing stream ({@code streamArn}) or a new one with {@code shards}. */
    public record Ingest(
            Optional<String> streamArn,
            int shards,
            int retentionHours,
            int batchSize,
            int maxBatchingWindowSeconds,
            int maxRetryAttempts,
            int maxRecordAgeSeconds,
            int parallelizationFactor,
            int iteratorAgeAlarmSeconds,
            int reservedConcurrency,
            Http http) {}

    /** The HTTP API in front of the HTTP ingest function. */
    public record Http(
            String authorizer,
            Optional<String> jwtIssuer,
            List<String> jwtAudience,
            double throttleRatePerSecond,
            int throttleBurst) {}

    public record Snapshot(
            String policy,
            Optional<Path> policyFile,
            String schedule,
            String timeZone,
            String databaseTagKey,
            String databaseTagValue,
            List<String> regions,
            Optional<String> copyRegion,
            Optional<String> copyKmsKeyArn,
            int rpoMinutes) {}

    public record Restore(
            List<String> sources,
            String newNamePrefix,
            String verifyUser,
            int deadlineHours,
            int pollSeconds,
            Optional<Drill> drill,
            Optional<FleetDrill> fleetDrill) {}

    /** The scheduled drill: its request file (shipped in the layer) and the source it names. */
    public record Drill(Path request, String source, String schedule) {}

    /**
     * Fleet drills: the drill handler without a request file drills the databases of the snapshot
     * section's backup policy (its {@code drill:} rule says how often and which kinds), one step per
     * tick; so it needs the snapshot section.
     */
    public record FleetDrill(String schedule) {}

    /** The metric store's maintenance step (roll-ups, partitions ahead, retention) on its schedule. */
    public record Maintenance(String schedule, String timeZone) {}

    /**
     * The SLO report: the OpenSLO spec set (a folder of {@code .yaml}/{@code .yml} files or one file,
     * shipped in the files layer), its schedule, the key prefix of the reports in the stack's report
     * bucket, the formats written, how long reports are kept, and an optional e-mail subscribed to
     * the topic that hears when an alert starts or stops firing.
     */
    public record SloReport(
            Path specs,
            String schedule,
            String timeZone,
            String prefix,
            List<String> formats,
            int reportRetentionDays,
            Optional<String> notifyEmail) {

        /** What the report reads from a folder: its {@code .yaml}/{@code .yml} files, in name order. */
        public static List<Path> specFiles(Path dir) {
            try (var files = Files.list(dir)) {
                return files.filter(Files::isRegularFile)
                        .filter(SloReport::isSpecFile)
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot list " + dir, e);
            }
        }

        static boolean isSpecFile(Path p) {
            String name = p.getFileName().toString();
            return name.endsWith(".yaml") || name.endsWith(".yml");
        }
    }

    public record Rotation(String secretArn, String strategy, int everyDays, Optional<String> masterSecretArn) {}

    /** Where alarms go: a new topic with an e-mail subscription, or an existing topic. */
    public record Alarms(Optional<String> email, Optional<String> topicArn) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\\d{12}:.+");
    private static final Pattern S3_PREFIX = Pattern.compile("[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*");
    private static final Pattern SCHEDULE = Pattern.compile("(rate|cron)\\(.+\\)");
    /** CloudWatch Logs' allowed retention periods, in days. */
    private static final Set<Integer> RETENTION_DAYS = Set.of(
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    /**
     * Reads and validates the file.
     *
     * @throws IllegalArgumentException naming the file, the field and what was wrong
     */
    public static DbreConfig load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read as JSON: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        return new Reader(file.toString(), base).config(root);
    }

    /** Walks the tree, remembering where it is so each error names the field. */
    private record Reader(String file, Path base) {
        DbreConfig config(JsonNode root) {
            ObjectNode o = object(root, "");
            fields(
                    o,
                    "",
                    "account",
                    "region",
                    "stackName",
                    "runtime",
                    "architecture",
                    "logRetentionDays",
                    "network",
                    "database",
                    "ingest",
                    "snapshot",
                    "restore",
                    "rotation",
                    "maintenance",
                    "sloReport",
                    "alarms");
            String runtime = text(o, "", "runtime", "java25");
            if (!runtime.equals("java25") && !runtime.equals("java21")) {
                throw error("runtime", "must be java25 or java21, was \"" + runtime + "\"");
            }
            String arch = text(o, "", "architecture", "arm64");
            if (!arch.equals("arm64") && !arch.equals("x86_64")) {
                throw error("architecture", "must be arm64 or x86_64, was \"" + arch + "\"");
            }
            int retention = integer(o, "", "logRetentionDays", 30, 1, 3653);
            if (!RETENTION_DAYS.contains(retention)) {
                throw error(
                        "logRetentionDays",
                        "must be one of CloudWatch Logs' periods "
                                + RETENTION_DAYS.stream().sorted().toList() + ", was " + retention);
            }
            Optional<Snapshot> snapshot = optional(o, "snapshot").map(n -> snapshot(object(n, "snapshot")));
            Optional<Restore> restore = optional(o, "restore").map(n -> restore(object(n, "restore")));
            if (restore.flatMap(Restore::fleetDrill).isPresent() && snapshot.isEmpty()) {
                throw error(
                        "restore.fleetDrill",
                        "needs the snapshot section: a fleet drill drills the databases of its backup policy");
            }
            return new DbreConfig(
                    matching(o, "", "account", ACCOUNT, "12 digits"),
                    matching(o, "", "region", REGION, "a Region name such as eu-west-1"),
                    text(o, "", "stackName", "dbre"),
                    runtime,
                    arch,
                    retention,
                    network(object(required(o, "", "network"), "network")),
                    database(object(required(o, "", "database"), "database")),
                    optional(o, "ingest").map(n -> ingest(object(n, "ingest"))),
                    snapshot,
                    restore,
                    optional(o, "rotation").map(n -> rotation(object(n, "rotation"))),
                    optional(o, "maintenance").map(n -> maintenance(object(n, "maintenance"))),
                    optional(o, "sloReport").map(n -> sloReport(object(n, "sloReport"))),
                    alarms(object(required(o, "", "alarms"), "alarms")));
        }

        Network network(ObjectNode o) {
            String at = "network";
            fields(o, at, "vpcId", "availabilityZones", "privateSubnetIds", "databaseSecurityGroupId");
            List<String> azs = texts(o, at, "availabilityZones", true);
            List<String> subnets = texts(o, at, "privateSubnetIds", true);
            if (azs.size() != subnets.size()) {
                throw error(
                        at + ".privateSubnetIds",
                        "needs one subnet per availability zone (" + azs.size() + " zones, " + subnets.size()
                                + " subnets)");
            }
            return new Network(
                    matching(o, at, "vpcId", Pattern.compile("vpc-[0-9a-f]+"), "vpc-<hex>"),
                    azs,
                    subnets,
                    matching(o, at, "databaseSecurityGroupId", Pattern.compile("sg-[0-9a-f]+"), "sg-<hex>"));
        }

        Database database(ObjectNode o) {
            String at = "database";
            fields(o, at, "host", "port", "name", "user", "resourceId");
            return new Database(
                    text(o, at, "host", null),
                    integer(o, at, "port", 5432, 1, 65535),
                    text(o, at, "name", "postgres"),
                    text(o, at, "user", null),
                    matching(
                            o, at, "resourceId", Pattern.compile("(db|cluster)-[A-Z0-9]+"), "db-<id> or cluster-<id>"));
        }

        Ingest ingest(ObjectNode o) {
            String at = "ingest";
            fields(
                    o,
                    at,
                    "streamArn",
                    "shards",
                    "retentionHours",
                    "batchSize",
                    "maxBatchingWindowSeconds",
                    "maxRetryAttempts",
                    "maxRecordAgeSeconds",
                    "parallelizationFactor",
                    "iteratorAgeAlarmSeconds",
                    "reservedConcurrency",
                    "http");
            Optional<String> streamArn = optional(o, "streamArn").map(n -> arn(o, at, "streamArn"));
            if (streamArn.isPresent() && (o.has("shards") || o.has("retentionHours"))) {
                throw error(at + ".shards", "only for a new stream: not together with streamArn");
            }
            return new Ingest(
                    streamArn,
                    integer(o, at, "shards", 1, 1, 500),
                    integer(o, at, "retentionHours", 24, 24, 8760),
                    // Lambda's limits for Kinesis: batch 1-10000, window 0-300 s, retries -1..10000,
                    // record age -1 or 60..604800 s, parallelization 1-10.
                    integer(o, at, "batchSize", 500, 1, 10000),
                    integer(o, at, "maxBatchingWindowSeconds", 5, 0, 300),
                    integer(o, at, "maxRetryAttempts", 10, 0, 10000),
                    integer(o, at, "maxRecordAgeSeconds", 21600, 60, 604800),
                    integer(o, at, "parallelizationFactor", 1, 1, 10),
                    integer(o, at, "iteratorAgeAlarmSeconds", 300, 1, 604800),
                    integer(o, at, "reservedConcurrency", 10, 1, 1000),
                    http(o.has("http") ? object(o.get("http"), at + ".http") : JSON.createObjectNode()));
        }

        Http http(ObjectNode o) {
            String at = "ingest.http";
            fields(o, at, "authorizer", "jwtIssuer", "jwtAudience", "throttleRatePerSecond", "throttleBurst");
            String authorizer = text(o, at, "authorizer", "iam");
            Optional<String> issuer = optional(o, "jwtIssuer").map(n -> text(o, at, "jwtIssuer", null));
            List<String> audience = o.has("jwtAudience") ? texts(o, at, "jwtAudience", true) : List.of();
            switch (authorizer) {
                case "iam" -> {
                    if (issuer.isPresent() || !audience.isEmpty()) {
                        throw error(at + ".jwtIssuer", "only with authorizer jwt");
                    }
                }
                case "jwt" -> {
                    if (issuer.isEmpty() || !issuer.get().startsWith("https://")) {
                        throw error(at + ".jwtIssuer", "is required with authorizer jwt: the issuer's https:// URL");
                    }
                    if (audience.isEmpty()) {
                        throw error(at + ".jwtAudience", "is required with authorizer jwt: the accepted audiences");
                    }
                }
                default -> throw error(at + ".authorizer", "must be iam or jwt, was \"" + authorizer + "\"");
            }
            return new Http(
                    authorizer,
                    issuer,
                    audience,
                    integer(o, at, "throttleRatePerSecond", 50, 1, 10000),
                    integer(o, at, "throttleBurst", 100, 1, 5000));
        }

        Snapshot snapshot(ObjectNode o) {
            String at = "snapshot";
            fields(
                    o,
                    at,
                    "policy",
                    "schedule",
                    "timeZone",
                    "databaseTag",
                    "regions",
                    "copyRegion",
                    "copyKmsKeyArn",
                    "rpoMinutes");
            String policy = text(o, at, "policy", null);
            Optional<Path> policyFile = Optional.empty();
            if (!policy.startsWith("s3://") && !policy.startsWith("ssm:/")) {
                Path p = base.resolve(policy.startsWith("file:") ? policy.substring(5) : policy);
                if (!Files.isRegularFile(p)) {
                    throw error(at + ".policy", "is neither s3://, ssm:/ nor an existing file: " + p);
                }
                policyFile = Optional.of(p);
            }
            ObjectNode tag = object(required(o, at, "databaseTag"), at + ".databaseTag");
            fields(tag, at + ".databaseTag", "key", "value");
            Optional<String> copyRegion =
                    optional(o, "copyRegion").map(n -> matching(o, at, "copyRegion", REGION, "a Region"));
            Optional<String> copyKey = optional(o, "copyKmsKeyArn").map(n -> arn(o, at, "copyKmsKeyArn"));
            if (copyKey.isPresent() && copyRegion.isEmpty()) {
                throw error(at + ".copyKmsKeyArn", "needs copyRegion: the key is the copy Region's");
            }
            if (copyKey.isPresent() && !copyKey.get().contains(":kms:" + copyRegion.get() + ":")) {
                throw error(
                        at + ".copyKmsKeyArn",
                        "must be a key in copyRegion " + copyRegion.get() + " (KMS keys are Region-scoped), was "
                                + copyKey.get());
            }
            return new Snapshot(
                    policy,
                    policyFile,
                    schedule(o, at, "schedule", "rate(1 hour)"),
                    text(o, at, "timeZone", "UTC"),
                    text(tag, at + ".databaseTag", "key", "dbre:backup-policy"),
                    text(tag, at + ".databaseTag", "value", null),
                    o.has("regions") ? texts(o, at, "regions", true) : List.of(),
                    copyRegion,
                    copyKey,
                    integer(o, at, "rpoMinutes", 120, 5, 525600));
        }

        Restore restore(ObjectNode o) {
            String at = "restore";
            fields(
                    o,
                    at,
                    "sources",
                    "newNamePrefix",
                    "verifyUser",
                    "deadlineHours",
                    "pollSeconds",
                    "drill",
                    "fleetDrill");
            String prefix = matching(
                    o,
                    at,
                    "newNamePrefix",
                    Pattern.compile("[a-z][a-z0-9-]{1,30}"),
                    "2-31 lowercase letters, digits, -");
            Optional<Drill> drill = optional(o, "drill").map(n -> drill(object(n, at + ".drill"), prefix));
            List<String> sources = texts(o, at, "sources", true);
            drill.ifPresent(d -> {
                if (!sources.contains(d.source())) {
                    throw error(
                            at + ".drill.request",
                            "restores from \"" + d.source() + "\", which is not one of restore.sources " + sources);
                }
            });
            return new Restore(
                    sources,
                    prefix,
                    text(o, at, "verifyUser", null),
                    integer(o, at, "deadlineHours", 6, 1, 24 * 365),
                    integer(o, at, "pollSeconds", 60, 10, 3600),
                    drill,
                    optional(o, "fleetDrill").map(n -> fleetDrill(object(n, at + ".fleetDrill"))));
        }

        FleetDrill fleetDrill(ObjectNode o) {
            String at = "restore.fleetDrill";
            fields(o, at, "schedule");
            return new FleetDrill(schedule(o, at, "schedule", "rate(5 minutes)"));
        }

        Maintenance maintenance(ObjectNode o) {
            String at = "maintenance";
            fields(o, at, "schedule", "timeZone");
            return new Maintenance(schedule(o, at, "schedule", "rate(5 minutes)"), text(o, at, "timeZone", "UTC"));
        }

        SloReport sloReport(ObjectNode o) {
            String at = "sloReport";
            fields(o, at, "specs", "schedule", "timeZone", "prefix", "formats", "reportRetentionDays", "notifyEmail");
            Path specs = base.resolve(text(o, at, "specs", null)).normalize();
            if (!Files.isDirectory(specs) && !(Files.isRegularFile(specs) && SloReport.isSpecFile(specs))) {
                throw error(at + ".specs", "must be a folder of OpenSLO .yaml/.yml files or one such file: " + specs);
            }
            if (Files.isDirectory(specs) && SloReport.specFiles(specs).isEmpty()) {
                throw error(at + ".specs", specs + " holds no .yaml or .yml file");
            }
            List<String> formats = o.has("formats") ? texts(o, at, "formats", true) : List.of("json", "md", "html");
            for (String f : formats) {
                if (!List.of("json", "md", "html").contains(f)) {
                    throw error(at + ".formats", "must hold json, md or html, has \"" + f + "\"");
                }
            }
            String prefix = text(o, at, "prefix", "slo");
            if (!S3_PREFIX.matcher(prefix).matches()) {
                throw error(
                        at + ".prefix",
                        "must be an S3 key prefix of lowercase letters, digits, _ and - in /-separated parts,"
                                + " without a leading or trailing /, was \"" + prefix + "\"");
            }
            return new SloReport(
                    specs,
                    schedule(o, at, "schedule", "rate(1 hour)"),
                    text(o, at, "timeZone", "UTC"),
                    prefix,
                    formats,
                    integer(o, at, "reportRetentionDays", 400, 1, 3650),
                    optional(o, "notifyEmail")
                            .map(n -> matching(
                                    o,
                                    at,
                                    "notifyEmail",
                                    Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"),
                                    "an e-mail address")));
        }

        Drill drill(ObjectNode o, String prefix) {
            String at = "restore.drill";
            fields(o, at, "request", "schedule");
            Path request = base.resolve(text(o, at, "request", null));
            JsonNode r;
            try {
                r = JSON.readTree(Files.readString(request));
            } catch (IOException e) {
                throw error(at + ".request", "cannot be read as JSON: " + request + ": " + e.getMessage());
            }
            if (!r.path("drill").asBoolean(false)) {
                throw error(
                        at + ".request", request + " must say \"drill\": true (the drill deletes what it restores)");
            }
            String source = r.path("source").asText("");
            String newName = r.path("newName").asText("");
            if (source.isEmpty()) {
                throw error(at + ".request", request + " names no source");
            }
            if (!newName.startsWith(prefix)) {
                throw error(
                        at + ".request",
                        request + ": newName \"" + newName + "\" must start with restore.newNamePrefix \"" + prefix
                                + "\" (the functions may only create and delete databases named so)");
            }
            return new Drill(request, source, schedule(o, at, "schedule", "rate(5 minutes)"));
        }

        Rotation rotation(ObjectNode o) {
            String at = "rotation";
            fields(o, at, "secretArn", "strategy", "everyDays", "masterSecretArn");
            String strategy = text(o, at, "strategy", "single");
            if (!strategy.equals("single") && !strategy.equals("alternating")) {
                throw error(at + ".strategy", "must be single or alternating, was \"" + strategy + "\"");
            }
            Optional<String> master = optional(o, "masterSecretArn").map(n -> arn(o, at, "masterSecretArn"));
            if (strategy.equals("alternating") && master.isEmpty()) {
                throw error(at + ".masterSecretArn", "is required with strategy alternating (the secret's masterarn)");
            }
            return new Rotation(arn(o, at, "secretArn"), strategy, integer(o, at, "everyDays", 30, 1, 1000), master);
        }

        Alarms alarms(ObjectNode o) {
            String at = "alarms";
            fields(o, at, "email", "topicArn");
            Optional<String> email = optional(o, "email")
                    .map(n -> matching(
                            o, at, "email", Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"), "an e-mail address"));
            Optional<String> topic = optional(o, "topicArn").map(n -> arn(o, at, "topicArn"));
            if (email.isPresent() == topic.isPresent()) {
                throw error(at, "needs exactly one of email (a new topic) and topicArn (an existing one)");
            }
            return new Alarms(email, topic);
        }

        // ---- field readers ----

        IllegalArgumentException error(String field, String message) {
            return new IllegalArgumentException(file + ": " + field + ": " + message);
        }

        ObjectNode object(JsonNode n, String at) {
            if (!(n instanceof ObjectNode o)) {
                throw error(at.isEmpty() ? "(top level)" : at, "must be a JSON object");
            }
            return o;
        }

        void fields(ObjectNode o, String at, String... allowed) {
            List<String> names = List.of(allowed);
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!names.contains(name)) {
                    throw error(path(at, name), "unknown field (allowed here: " + String.join(", ", names) + ")");
                }
            }
        }

        JsonNode required(ObjectNode o, String at, String name) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                throw error(path(at, name), "is required");
            }
            return n;
        }

        Optional<JsonNode> optional(ObjectNode o, String name) {
            JsonNode n = o.get(name);
            return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
        }

        String text(ObjectNode o, String at, String name, String fallback) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                if (fallback == null) {
                    throw error(path(at, name), "is required");
                }
                return fallback;
            }
            if (!n.isTextual() || n.asText().isBlank()) {
                throw error(path(at, name), "must be a non-empty string, was " + n);
            }
            return n.asText();
        }

        String matching(ObjectNode o, String at, String name, Pattern pattern, String what) {
            String v = text(o, at, name, null);
            if (!pattern.matcher(v).matches()) {
                throw error(path(at, name), "must be " + what + ", was \"" + v + "\"");
            }
            return v;
        }

        String arn(ObjectNode o, String at, String name) {
            return matching(o, at, name, ARN, "an ARN (arn:aws:<service>:<region>:<account>:...)");
        }

        String schedule(ObjectNode o, String at, String name, String fallback) {
            String v = text(o, at, name, fallback);
            if (!SCHEDULE.matcher(v).matches()) {
                throw error(
                        path(at, name),
                        "must be an EventBridge Scheduler rate(...) or cron(...) expression, was \"" + v + "\"");
            }
            return v;
        }

        int integer(ObjectNode o, String at, String name, int fallback, int min, int max) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
                throw error(path(at, name), "must be a whole number from " + min + " to " + max + ", was " + n);
            }
            return n.asInt();
        }

        List<String> texts(ObjectNode o, String at, String name, boolean nonEmpty) {
            JsonNode n = required(o, at, name);
            if (!n.isArray() || (nonEmpty && n.isEmpty())) {
                throw error(path(at, name), "must be a non-empty array of strings, was " + n);
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual() || e.asText().isBlank() || out.contains(e.asText())) {
                    throw error(path(at, name), "must hold distinct non-empty strings, has " + e);
                }
                out.add(e.asText());
            }
            return List.copyOf(out);
        }

        static String path(String at, String name) {
            return at.isEmpty() ? name : at + "." + name;
        }
    }
}
