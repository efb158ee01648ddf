package dev.dbre.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.dbre.db.DatabaseNames;
import dev.dbre.port.RestoreProvider;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A restore request (to a point in time, or from a snapshot), as documented in {@code docs/restore-request.md}. Build one with
 * {@link #parse} (from JSON) or the constructor (then call {@link #validate}).
 *
 * @param requestId the caller's idempotency key; null: the new name is the key
 * @param source the database to restore from (instance id, cluster id, server name)
 * @param targetTime the time to restore to; null when {@code latest}
 * @param latest restore to the latest restorable time
 * @param newName the new database's name: lowercase letters, digits, '-', starting with a letter
 * @param database the database the verification queries run in (default {@code postgres}); a
 *     PostgreSQL identifier ({@link DatabaseNames})
 * @param overrides settings of the new database the provider applies
 * @param verify queries run against the restored database, each with an expectation
 * @param drill delete the restored database after verification
 * @param confirmProduction must equal {@code source} when the source is production
 * @param timeout how long the run may take before it fails (its deadline is the request time plus
 *     this); null: the service's default ({@code DBRE_RESTORE_TIMEOUT})
 * @param snapshot restore from this snapshot instead of to a point in time; null for a
 *     point-in-time restore. Exactly one of {@code targetTime}, {@code latest} and this is given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreRequest(
        String requestId,
        String source,
        Instant targetTime,
        boolean latest,
        String newName,
        String database,
        Overrides overrides,
        List<VerifyCheck> verify,
        boolean drill,
        String confirmProduction,
        Duration timeout,
        SnapshotChoice snapshot) {

    /** A drill's kind (and a run's): point-in-time, a snapshot in the home region, a copy elsewhere. */
    public static final String KIND_PITR = "pitr";

    public static final String KIND_SNAPSHOT = "snapshot";
    public static final String KIND_COPY = "copy";

    /** The shortest and longest {@code timeout} (a week: AWS Backup's longest validation window). */
    public static final Duration MIN_TIMEOUT = Duration.ofMinutes(1);

    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    /** Names every cloud accepts: RDS, Flexible Server and Cloud SQL all allow this much. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,61}[a-z0-9]|[a-z]");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public RestoreRequest {
        database = database == null ? "postgres" : database;
        overrides = overrides == null ? Overrides.NONE : overrides;
        verify = verify == null ? List.of() : List.copyOf(verify);
    }

    /** A point-in-time request (no snapshot), as before snapshots could be restored. */
    public RestoreRequest(
            String requestId,
            String source,
            Instant targetTime,
            boolean latest,
            String newName,
            String database,
            Overrides overrides,
            List<VerifyCheck> verify,
            boolean drill,
            String confirmProduction,
            Duration timeout) {
        this(
                requestId,
                source,
                targetTime,
                latest,
                newName,
                database,
                overrides,
                verify,
                drill,
                confirmProduction,
                timeout,
                null);
    }

    /**
     * Which snapshot of the source to restore: exactly one of {@code id}, {@code newestOfPolicy},
     * {@code newestCopyInRegion}. The newest ones are picked at submit among the source's completed
     * snapshots this tool manages, and the run records the one picked (a retry restores the same).
     *
     * @param id the provider's snapshot id, stored in the provider's home region
     * @param newestOfPolicy the newest completed snapshot taken under this backup policy (home region)
     * @param newestCopyInRegion the newest completed copy stored in this region
     * @param policy with {@code newestCopyInRegion} only: a copy made under this policy (else any of ours)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SnapshotChoice(String id, String newestOfPolicy, String newestCopyInRegion, String policy) {
        /** {@link #KIND_COPY} for a copy in another region, else {@link #KIND_SNAPSHOT}. */
        public String kind() {
            return newestCopyInRegion != null ? KIND_COPY : KIND_SNAPSHOT;
        }

        /** "snapshot X", "the newest snapshot of policy P", "the newest copy in R (policy P)". */
        public String describe() {
            if (id != null) {
                return "snapshot " + id;
            }
            if (newestOfPolicy != null) {
                return "the newest snapshot of policy " + newestOfPolicy;
            }
            return "the newest copy in " + newestCopyInRegion + (policy == null ? "" : " of policy " + policy);
        }
    }

    /** {@link #KIND_PITR}, {@link #KIND_SNAPSHOT} or {@link #KIND_COPY}. */
    public String kind() {
        return snapshot == null ? KIND_PITR : snapshot.kind();
    }

    /**
     * Settings of the new database. Unset ones keep the provider's default (RDS: the source's class,
     * default security group and parameter group).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Overrides(
            String instanceClass,
            String subnetGroup,
            List<String> securityGroups,
            String parameterGroup,
            Map<String, String> tags) {
        public static final Overrides NONE = new Overrides(null, null, null, null, null);

        public Overrides {
            securityGroups = securityGroups == null ? null : List.copyOf(securityGroups);
            tags = tags == null ? null : Map.copyOf(tags);
        }

        /** The set ones, by field name, for {@link RestoreProvider#startRestore}. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            putIfSet(m, "instanceClass", instanceClass);
            putIfSet(m, "subnetGroup", subnetGroup);
            putIfSet(m, "securityGroups", securityGroups);
            putIfSet(m, "parameterGroup", parameterGroup);
            putIfSet(m, "tags", tags);
            return m;
        }

        private static void putIfSet(Map<String, Object> m, String k, Object v) {
            if (v != null) {
                m.put(k, v);
            }
        }
    }

    /** One verification query: its first column of the first row (or every row, for checksum) is checked. */
    public record VerifyCheck(String name, String sql, Expect expect) {}

    /**
     * Exactly one of: {@code atLeast}, {@code atMost} (numbers), {@code equals} (a string, number,
     * boolean or null), {@code checksum} (md5 hex of every row, see the request documentation).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Expect(BigDecimal atLeast, BigDecimal atMost, JsonNode equals, String checksum) {
        /** "atLeast 10", "equals \"x\"", ... */
        public String describe() {
            if (atLeast != null) {
                return "atLeast " + atLeast.toPlainString();
            }
            if (atMost != null) {
                return "atMost " + atMost.toPlainString();
            }
            if (checksum != null) {
                return "checksum " + checksum;
            }
            return "equals " + (equals == null ? "null" : equals.toString());
        }
    }

    /** The wire shape: what JSON may hold, before the rules (times as text, to name a bad one). */
    private record Wire(
            String requestId,
            String source,
            String targetTime,
            Boolean latest,
            String newName,
            String database,
            Overrides overrides,
            List<WireCheck> verify,
            Boolean drill,
            String confirmProduction,
            String timeout,
            SnapshotChoice snapshot) {}

    private record WireCheck(String name, String sql, WireExpect expect) {}

    private record WireExpect(BigDecimal atLeast, BigDecimal atMost, JsonNode equals, String checksum) {}

    /**
     * Parses and validates a request.
     *
     * @throws RestoreRejectedException BAD_REQUEST naming the field that is wrong
     */
    public static RestoreRequest parse(String json) {
        RestoreRequest r = read(json);
        r.validate();
        return r;
    }

    /**
     * Reads a request stored with its run. A run recorded before a rule was added must still be
     * readable, so the rules on what reaches the restored database ({@code database}, {@code
     * verify[].sql}) are not applied here: the database name is encoded in the URL regardless, and
     * the verifier checks each query again before sending it (a refused one fails its check).
     *
     * @throws RestoreRejectedException BAD_REQUEST naming the field, for JSON no request could hold
     */
    static RestoreRequest parseStored(String json) {
        RestoreRequest r = read(json);
        r.validate(false);
        return r;
    }

    private static RestoreRequest read(String json) {
        Wire w;
        try {
            w = JSON.readValue(json, Wire.class);
        } catch (UnrecognizedPropertyException e) {
            throw new RestoreRejectedException(
                    RestoreError.BAD_REQUEST, path(e), "unknown field '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            throw new RestoreRejectedException(
                    RestoreError.BAD_REQUEST, path(e), "wrong type or value: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new RestoreRejectedException(
                    RestoreError.BAD_REQUEST, null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (w == null) {
            throw new RestoreRejectedException(RestoreError.BAD_REQUEST, null, "the request is empty");
        }
        Instant target = null;
        if (w.targetTime() != null) {
            target = parseTime(w.targetTime());
        }
        Duration timeout = w.timeout() == null ? null : parseTimeout(w.timeout());
        List<VerifyCheck> checks = new ArrayList<>();
        if (w.verify() != null) {
            for (int i = 0; i < w.verify().size(); i++) {
                WireCheck c = w.verify().get(i);
                if (c == null) {
                    throw new RestoreRejectedException(
                            RestoreError.BAD_REQUEST, "verify[" + i + "]", "must be an object");
                }
                WireExpect e = c.expect();
                checks.add(new VerifyCheck(
                        c.name(),
                        c.sql(),
                        e == null ? null : new Expect(e.atLeast(), e.atMost(), e.equals(), e.checksum())));
            }
        }
        RestoreRequest r = new RestoreRequest(
                w.requestId(),
                w.source(),
                target,
                Boolean.TRUE.equals(w.latest()),
                w.newName(),
                w.database(),
                w.overrides(),
                checks,
                Boolean.TRUE.equals(w.drill()),
                w.confirmProduction(),
                timeout,
                w.snapshot());
        return r;
    }

    /**
     * Checks the request's own rules (not the source's window or names in use: the service does).
     *
     * @throws RestoreRejectedException BAD_REQUEST naming the field
     */
    public void validate() {
        validate(true);
    }

    private void validate(boolean reachRules) {
        require(source != null && !source.isBlank(), "source", "is required");
        int points = (targetTime != null ? 1 : 0) + (latest ? 1 : 0) + (snapshot != null ? 1 : 0);
        if (points != 1) {
            throw new RestoreRejectedException(
                    RestoreError.BAD_REQUEST,
                    snapshot != null ? "snapshot" : "targetTime",
                    points == 0
                            ? "give one of targetTime (ISO-8601), latest: true, or snapshot"
                            : "give only one of targetTime, latest: true and snapshot");
        }
        if (snapshot != null) {
            validateSnapshot(snapshot);
        }
        require(newName != null, "newName", "is required");
        require(
                NAME.matcher(newName).matches(),
                "newName",
                "'" + newName + "' must be 1 to 63 lowercase letters, digits or '-', starting with a letter and"
                        + " not ending with '-'");
        require(!newName.equals(source), "newName", "must differ from the source");
        require(
                requestId == null || (!requestId.isBlank() && requestId.length() <= 200),
                "requestId",
                "must be 1 to 200 characters");
        // The name goes into a JDBC URL: a '?' or '&' in it must not add driver settings.
        String databaseProblem = reachRules ? DatabaseNames.problem(database) : null;
        require(databaseProblem == null, "database", databaseProblem);
        require(!database.isBlank(), "database", "must not be blank");
        require(
                timeout == null || (timeout.compareTo(MIN_TIMEOUT) >= 0 && timeout.compareTo(MAX_TIMEOUT) <= 0),
                "timeout",
                timeout + " must be between " + MIN_TIMEOUT + " and " + MAX_TIMEOUT);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < verify.size(); i++) {
            VerifyCheck c = verify.get(i);
            String at = "verify[" + i + "]";
            require(c.name() != null && !c.name().isBlank(), at + ".name", "is required");
            require(names.add(c.name()), at + ".name", "'" + c.name() + "' is used twice");
            require(c.sql() != null && !c.sql().isBlank(), at + ".sql", "is required");
            String refusal = reachRules ? VerifyQuery.refusal(c.sql(), true) : null;
            require(refusal == null, at + ".sql", refusal);
            require(c.expect() != null, at + ".expect", "is required (atLeast, atMost, equals or checksum)");
            Expect e = c.expect();
            int set = (e.atLeast() != null ? 1 : 0)
                    + (e.atMost() != null ? 1 : 0)
                    + (e.equals() != null ? 1 : 0)
                    + (e.checksum() != null ? 1 : 0);
            require(set == 1, at + ".expect", "must hold exactly one of atLeast, atMost, equals, checksum");
            require(
                    e.checksum() == null || e.checksum().matches("[0-9a-f]{32}"),
                    at + ".expect.checksum",
                    "must be 32 lowercase hex digits (md5)");
        }
    }

    /** Snapshot ids, policy and region names are matched as given: no blanks, no control characters. */
    private static final Pattern SNAPSHOT_TEXT = Pattern.compile("[\\p{Graph}]{1,255}");

    private static void validateSnapshot(SnapshotChoice s) {
        int set = (s.id() != null ? 1 : 0)
                + (s.newestOfPolicy() != null ? 1 : 0)
                + (s.newestCopyInRegion() != null ? 1 : 0);
        require(set == 1, "snapshot", "must hold exactly one of id, newestOfPolicy, newestCopyInRegion");
        require(
                s.policy() == null || s.newestCopyInRegion() != null,
                "snapshot.policy",
                "goes with newestCopyInRegion only (newestOfPolicy names its policy itself)");
        requireText(s.id(), "snapshot.id");
        requireText(s.newestOfPolicy(), "snapshot.newestOfPolicy");
        requireText(s.newestCopyInRegion(), "snapshot.newestCopyInRegion");
        requireText(s.policy(), "snapshot.policy");
    }

    private static void requireText(String value, String field) {
        require(
                value == null || SNAPSHOT_TEXT.matcher(value).matches(),
                field,
                "'" + value + "' must be 1 to 255 visible characters (no spaces)");
    }

    /** The idempotency key: the request id, else the new name. */
    public String key() {
        return requestId != null ? requestId : "name:" + newName;
    }

    /** This request as JSON (stored with its run). */
    public String toJson() {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            if (requestId != null) {
                m.put("requestId", requestId);
            }
            m.put("source", source);
            if (targetTime != null) {
                m.put("targetTime", targetTime.toString());
            }
            if (latest) {
                m.put("latest", true);
            }
            m.put("newName", newName);
            m.put("database", database);
            m.put("overrides", overrides);
            m.put("verify", verify);
            m.put("drill", drill);
            if (confirmProduction != null) {
                m.put("confirmProduction", confirmProduction);
            }
            if (timeout != null) {
                m.put("timeout", timeout.toString());
            }
            if (snapshot != null) {
                m.put("snapshot", snapshot);
            }
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request as JSON", e);
        }
    }

    static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new RestoreRejectedException(
                    RestoreError.BAD_REQUEST,
                    "targetTime",
                    "'" + text + "' is not an ISO-8601 time with a zone, e.g. 2026-11-23T22:43:01Z");
        }
    }

    static Duration parseTimeout(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new RestoreRejectedException(
                    RestoreError.BAD_REQUEST,
                    "timeout",
                    "'" + text + "' is not an ISO-8601 duration, e.g. PT6H or PT90M");
        }
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new RestoreRejectedException(RestoreError.BAD_REQUEST, field, message);
        }
    }

    /** "verify[0].expect.atLeast" from Jackson's path. */
    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? null : b.toString();
    }
}
