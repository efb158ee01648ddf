package dev.dbre.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The catalogue of every {@code DBRE_*} environment variable the modules read: its default, the
 * values it allows, what it means and which modules' code names it. The constants the code reads
 * them by ({@code DbSettings.HOST}, {@code RetryPolicy.ENV_MAX_ATTEMPTS}, ...) stay beside the code
 * that parses them; {@code SettingsCatalogueTest} checks that every name in the code is here, with
 * the modules that name it, and {@code EnvDocumentationTest} that each module README's rows agree
 * with the names and defaults here. The scripts' own variables ({@code DBRE_JAVA_OPTS}, ...) are
 * documented in the README of the module a script launches, not here.
 *
 * <p>To add a variable: a {@link Setting} below (name, default or null, allowed values, meaning,
 * the modules whose main code names it), and a row in the README of each module that reads it.
 */
public final class Settings {
    private Settings() {}

    private static final String AWS = "functions/aws";
    private static final String AZURE = "functions/azure";
    private static final String GCP = "functions/gcp";
    private static final String LOCAL = "functions/local";
    private static final String SHARED = "shared";

    /**
     * One environment variable.
     *
     * @param defaultValue the value when unset, as the READMEs write it; null when there is none
     *     (required, or unset means "not used", or the default is computed; the meaning says which)
     * @param allowed the values or range accepted (what a {@link ConfigException} names otherwise)
     * @param readBy the modules whose main code (Java string literals, {@code ${env:...}} lookups in
     *     resources) names the variable; a variable of {@code shared} reaches every function built on
     *     it that calls that code
     * @param defaultsByModule where a module's default differs from {@code defaultValue} (its README
     *     states that one)
     */
    public record Setting(
            String name,
            String defaultValue,
            String allowed,
            String meaning,
            Set<String> readBy,
            Map<String, String> defaultsByModule) {
        public Setting {
            if (!name.matches("DBRE_[A-Z0-9]+(_[A-Z0-9]+)*")) {
                throw new IllegalArgumentException("not a DBRE_* variable name: " + name);
            }
            readBy = Set.copyOf(readBy);
            defaultsByModule = Map.copyOf(defaultsByModule);
        }

        Setting(String name, String defaultValue, String allowed, String meaning, Set<String> readBy) {
            this(name, defaultValue, allowed, meaning, readBy, Map.of());
        }

        /** The default in {@code module} (its own, else the common one); null when there is none. */
        public String defaultIn(String module) {
            return defaultsByModule.getOrDefault(module, defaultValue);
        }

        Setting withDefaultIn(String module, String value) {
            Map<String, String> byModule = new LinkedHashMap<>(defaultsByModule);
            byModule.put(module, value);
            return new Setting(name, defaultValue, allowed, meaning, readBy, byModule);
        }
    }

    private static Setting s(String name, String defaultValue, String allowed, String meaning, String... readBy) {
        return new Setting(name, defaultValue, allowed, meaning, Set.of(readBy));
    }

    private static final String TIMEOUT_RANGE = "1-3600 seconds";
    private static final String BOOL = "true | false";

    /** Every variable, grouped by what it configures. */
    public static final List<Setting> ALL = List.of(
            // The functions' database (dev.dbre.db): DbSettings, DbTimeouts, PooledConnectionFactory.
            s("DBRE_DB_HOST", null, "a host name or IP address", "PostgreSQL host; required", SHARED, LOCAL),
            s("DBRE_DB_PORT", "5432", "1-65535", "PostgreSQL port", SHARED, LOCAL),
            s("DBRE_DB_NAME", "postgres", "a PostgreSQL identifier", "database name", SHARED, LOCAL),
            s(
                    "DBRE_DB_USER",
                    null,
                    "a role name",
                    "database user; required except with DBRE_DB_AUTH=secret",
                    SHARED,
                    LOCAL),
            s(
                    "DBRE_DB_AUTH",
                    "iam",
                    "iam | secret | none",
                    "how the functions log in: the cloud's IAM token, a password secret, or none",
                    SHARED,
                    LOCAL),
            s(
                    "DBRE_DB_SECRET_ID",
                    null,
                    "the cloud secret store's id",
                    "the login secret; required with DBRE_DB_AUTH=secret",
                    SHARED),
            s(
                    "DBRE_DB_SSLMODE",
                    "verify-full",
                    "verify-full | verify-ca | require | disable (disable only with DBRE_DB_AUTH=none)",
                    "TLS to the database",
                    SHARED,
                    LOCAL),
            s(
                            "DBRE_DB_SSLROOTCERT",
                            null,
                            "a PEM file, or system (the Java trust store)",
                            "CA bundle that verifies the database's certificate; default per cloud",
                            SHARED,
                            LOCAL)
                    .withDefaultIn(AZURE, "system"),
            s("DBRE_DB_POOL_SIZE", "1", "1-20", "connections kept open across warm invocations", SHARED)
                    .withDefaultIn(AZURE, "4"),
            s(
                    "DBRE_DB_CONNECT_TIMEOUT_SECONDS",
                    "10",
                    TIMEOUT_RANGE,
                    "bound on opening a connection (rotation logins: 5)",
                    SHARED),
            s(
                    "DBRE_DB_STATEMENT_TIMEOUT_SECONDS",
                    "40",
                    TIMEOUT_RANGE,
                    "bound on one statement (rotation logins: 20)",
                    SHARED),
            s(
                    "DBRE_DB_LOCK_TIMEOUT_SECONDS",
                    "10",
                    TIMEOUT_RANGE,
                    "bound on waiting for a lock (rotation logins: 5)",
                    SHARED),
            s(
                    "DBRE_DB_SOCKET_TIMEOUT_SECONDS",
                    "50",
                    TIMEOUT_RANGE,
                    "bound on one network read (rotation logins: 30)",
                    SHARED),
            s(
                    "DBRE_DB_PASSWORD",
                    null,
                    "a password",
                    "local runtime only: the database password, when the database wants one",
                    LOCAL),

            // The metric store (dev.dbre.metrics): MetricStoreSettings, read by the ingest functions,
            // dbre query and dbre maintain.
            s("DBRE_INGEST_RAW", "off", "on | off", "also store every value as a raw point (daily partitions)", SHARED),
            s("DBRE_METRICS_INTERVAL_SECONDS", "10", "1-60, dividing 60", "the aggregation interval", SHARED),
            s(
                    "DBRE_METRICS_MAX_NEW_SERIES_PER_MINUTE",
                    "10000",
                    "1-100000000",
                    "cardinality guard: new series one source may create per minute (beyond: SERIES_LIMIT)",
                    SHARED),
            s("DBRE_METRICS_SERIES_CACHE", "100000", "1-100000000", "series ids kept across warm invocations", SHARED),
            s("DBRE_METRICS_RETENTION_INTERVAL_DAYS", "2", "1-36500", "days the 10 s aggregates are kept", SHARED),
            s("DBRE_METRICS_RETENTION_1M_DAYS", "35", "1-36500", "days the 1-minute rollups are kept", SHARED),
            s("DBRE_METRICS_RETENTION_1H_DAYS", "400", "1-36500", "days the 1-hour rollups are kept", SHARED),
            s("DBRE_METRICS_RETENTION_1D_DAYS", "800", "1-36500", "days the 1-day rollups are kept", SHARED),
            s("DBRE_INGEST_RAW_RETENTION_DAYS", "2", "1-36500", "days raw points are kept", SHARED),
            s(
                    "DBRE_METRICS_PARTITIONS_AHEAD_DAYS",
                    "3",
                    "1-366",
                    "days of partitions created ahead; ingest refuses points timed after them (TOO_NEW)",
                    SHARED),
            // Ingest (dev.dbre.ingest): ParseLimits, HttpIngestLimits.
            s("DBRE_INGEST_MAX_LINE_BYTES", "8192", "1-16777216", "longest metric line accepted", SHARED, LOCAL),
            s("DBRE_INGEST_MAX_NAME_BYTES", "200", "1-65536", "longest metric name accepted", SHARED, LOCAL),
            s("DBRE_INGEST_MAX_TAGS", "100", "0-10000", "most tags on one line", SHARED, LOCAL),
            s(
                    "DBRE_INGEST_MAX_PACKED_VALUES",
                    "64",
                    "1-32767",
                    "most values packed in one DogStatsD line",
                    SHARED,
                    LOCAL),
            s(
                    "DBRE_HTTP_MAX_BODY_BYTES",
                    "1048576",
                    "1-268435456",
                    "largest HTTP ingest body as sent (413 over it)",
                    SHARED),
            s(
                    "DBRE_HTTP_MAX_DECODED_BYTES",
                    "10485760",
                    "1-268435456",
                    "largest HTTP ingest body after gunzip (413 over it)",
                    SHARED),

            // Snapshots (dev.dbre.backup): PolicySource, SnapshotSchedule, RetryPolicy.
            s(
                    "DBRE_BACKUP_POLICY",
                    null,
                    "a file path, or the cloud's object or parameter location",
                    "the backup policy; required by the snapshot function",
                    SHARED),
            s(
                    "DBRE_BACKUP_POLICY_FILE",
                    null,
                    "a file path",
                    "deprecated: the policy file, when DBRE_BACKUP_POLICY is not set",
                    SHARED),
            s("DBRE_BACKUP_DRY_RUN", "false", BOOL, "plan only, whatever the event says", SHARED),
            s("DBRE_SNAPSHOT_MAX_ATTEMPTS", "5", "1-20", "attempts of a retryable provider call", SHARED),
            s("DBRE_SNAPSHOT_RETRY_BASE_MS", "500", "1-60000", "first retry delay (doubles, with jitter)", SHARED),
            s("DBRE_SNAPSHOT_RETRY_MAX_MS", "20000", "1-600000", "longest retry delay", SHARED),

            // Restores and drills (dev.dbre.restore): RestoreService, RestoredDbLogin, DrillSchedule.
            s(
                    "DBRE_RESTORE_TIMEOUT",
                    "PT6H",
                    "an ISO-8601 duration, PT1M to P7D",
                    "how long a restore run may take when its request gives no timeout",
                    SHARED),
            s(
                    "DBRE_DRILL_REQUEST_FILE",
                    null,
                    "a file path; {date} is replaced by the UTC day",
                    "the drill's restore request; required by the drill function",
                    SHARED),
            s(
                    "DBRE_RESTORE_DB_AUTH",
                    "iam",
                    "iam | secret | none",
                    "how verification queries log in to the restored database",
                    SHARED),
            s(
                    "DBRE_RESTORE_DB_USER",
                    null,
                    "a role name",
                    "the verification queries' user; default DBRE_DB_USER",
                    SHARED),
            s(
                    "DBRE_RESTORE_DB_SECRET_ID",
                    null,
                    "the cloud secret store's id",
                    "the source database's login secret; required with DBRE_RESTORE_DB_AUTH=secret",
                    SHARED),
            s(
                    "DBRE_RESTORE_DB_SSLMODE",
                    null,
                    "as DBRE_DB_SSLMODE",
                    "TLS to the restored database; default DBRE_DB_SSLMODE",
                    SHARED),
            s(
                    "DBRE_RESTORE_DB_SSLROOTCERT",
                    null,
                    "as DBRE_DB_SSLROOTCERT",
                    "CA bundle for the restored database; default DBRE_DB_SSLROOTCERT",
                    SHARED),

            // Rotation (dev.dbre.rotation): RotationSettings. AWS's password variables keep AWS's names.
            s(
                    "DBRE_ROTATION_STRATEGY",
                    "single",
                    "single | alternating",
                    "single user, or alternating users (AWS's two PostgreSQL templates)",
                    SHARED),

            // The SLO report function (dev.dbre.slo): SloReportConfig.
            s(
                    "DBRE_SLO_SPEC",
                    null,
                    "a file or folder of OpenSLO YAML",
                    "the SLO specs the report evaluates; required by the SLO report function",
                    SHARED),
            s(
                    "DBRE_SLO_OUT",
                    null,
                    "s3://bucket/prefix, https://<account>.blob.core.windows.net/<container>/prefix,"
                            + " gs://bucket/prefix, or a folder",
                    "where reports are written; required by the SLO report function",
                    SHARED),
            s(
                    "DBRE_SLO_NOTIFY",
                    null,
                    "an SNS topic ARN, an Event Grid topic endpoint, projects/p/topics/t, or an https:// URL",
                    "who is told when an alert starts or stops firing; unset: no one",
                    SHARED),
            s("DBRE_SLO_FORMATS", "json,md,html", "json, md, html, comma-separated", "the report's formats", SHARED),
            s(
                    "DBRE_SLO_MIN_EVENTS",
                    null,
                    "a whole number >= 1",
                    "the fewest events a paging alert's long window needs before it may fire; unset: derived"
                            + " per rule (one bad event alone cannot page)",
                    SHARED,
                    LOCAL),
            s(
                    "DBRE_SLO_RECORDING_UNUSED_DAYS",
                    "35",
                    "a whole number of days from 1 to 36500",
                    "how long a recorded SLI question (slo_sli_recordings) may go unasked by any report before"
                            + " a report run deletes its recording",
                    SHARED),

            // Logging (log4j2 configuration files).
            s("DBRE_LOG_LEVEL", "INFO", "a log4j2 level", "root log level", AWS, LOCAL)
                    .withDefaultIn(LOCAL, "off"),

            // AWS only.
            s(
                    "DBRE_SECRETS_ENDPOINT",
                    null,
                    "a URL",
                    "Secrets Manager endpoint (VPC endpoint, LocalStack); default the SDK's",
                    AWS),
            s("DBRE_S3_ENDPOINT", null, "a URL", "S3 endpoint (path-style); default the SDK's", AWS),
            s("DBRE_SSM_ENDPOINT", null, "a URL", "SSM endpoint; default the SDK's", AWS),

            // Azure only.
            s(
                    "DBRE_EVENTHUB",
                    null,
                    "a connection string, or (with __fullyQualifiedNamespace) a namespace host",
                    "the Event Hubs trigger's connection",
                    AZURE),
            s("DBRE_EVENTHUB_NAME", null, "an event hub name", "the trigger's event hub", AZURE),
            s("DBRE_EVENTHUB_CONSUMER_GROUP", null, "a consumer group", "the trigger's consumer group", AZURE),
            s(
                    "DBRE_EVENTHUB_NAMESPACE",
                    null,
                    "a namespace host",
                    "the namespace, for Event Hubs extension 4.x only",
                    AZURE),
            s(
                    "DBRE_EVENTHUB_MAX_BUG_RETRIES",
                    "10",
                    "0-1000",
                    "retries of a batch failed by a bug before it is skipped",
                    AZURE),
            s("DBRE_KEY_VAULT_URL", null, "https://<vault>.vault.azure.net", "the Key Vault", AZURE),
            s("DBRE_KEY_VAULT_SECRET_EXPIRY_DAYS", "90", "1-3650", "the expiry of a rotated secret version", AZURE),
            s(
                    "DBRE_AZURE_RESOURCE_GROUP",
                    null,
                    "a resource group name",
                    "the resource group backed up and restored into; required",
                    AZURE),
            s("DBRE_SNAPSHOT_SCHEDULE", null, "an NCRONTAB expression", "the snapshot timer", AZURE),
            s("DBRE_DRILL_SCHEDULE", null, "an NCRONTAB expression", "the drill timer", AZURE),
            s("DBRE_MAINTENANCE_SCHEDULE", null, "an NCRONTAB expression", "the metric store maintenance timer", AZURE),
            s("DBRE_SLO_SCHEDULE", null, "an NCRONTAB expression", "the SLO report timer", AZURE),

            // Google Cloud only.
            s(
                    "DBRE_CLOUD_SQL_INSTANCE",
                    null,
                    "project:region:instance",
                    "log in through the Cloud SQL connector to this instance",
                    GCP),
            s(
                    "DBRE_CLOUD_SQL_IP_TYPES",
                    null,
                    "PUBLIC, PRIVATE, PSC, comma-separated",
                    "the connector's IP types in order of preference; default the connector's",
                    GCP),
            s("DBRE_SECRET_MANAGER_ENDPOINT", null, "host:port", "Secret Manager endpoint; default the library's", GCP),
            s(
                    "DBRE_SECRET_MANAGER_GRACE_HOURS",
                    "24",
                    "0-8760",
                    "hours an unlabelled older version stays enabled after a rotation",
                    GCP),

            // The local runtime only.
            s("DBRE_HOME", ".dbre", "a folder", "the home of local state", LOCAL),
            s("DBRE_LOCAL_DIR", null, "a folder", "deprecated: read as DBRE_HOME when that is not set", LOCAL));

    /** The setting named {@code name}, if the catalogue has it. */
    public static Optional<Setting> find(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
