package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every function of every cloud that {@code dbre invoke} runs: one record per deployed function,
 * named as its deployment names it (the CDK app's function names, the Azure {@code @FunctionName}s,
 * the Cloud Run functions of the Terraform module, terraform/modules/gcp), with its handler, its trigger, the event shape
 * it takes and its sample events in {@code events/<cloud>/}. {@code invoke --list} prints this table;
 * a test checks that every function has a sample and every sample a function.
 */
final class InvokeFunctions {
    /** What a function's run returned: the platform's view of the response, and whether it failed. */
    record Result(String response, boolean failed) {}

    /** Runs one handler with one event file (already checked to be of the function's shape). */
    interface Runner {
        Result run(Path file, JsonNode event, InvokeTarget target) throws Exception;
    }

    /**
     * One deployed function.
     *
     * @param runsOn what it runs on here: the database, and the local stand-ins of the cloud
     *     resources it uses
     */
    record Function(
            String cloud,
            String name,
            String handler,
            String trigger,
            EventShape shape,
            List<String> events,
            String runsOn,
            Runner runner) {
        String id() {
            return cloud + " " + name;
        }
    }

    static final List<String> CLOUDS = List.of("aws", "azure", "gcp");

    /** Where a function runs here: the database alone. */
    private static final String ON_DATABASE = "the database (embedded PostgreSQL, or --jdbc-url)";
    /** The snapshot, restore and drill functions: {@link InvokeBackup}. */
    private static final String ON_LOCAL_PROVIDER = "the local provider: a stand-in database (embedded, WAL archived,"
            + " under <home>/invoke/source), its base backups and PITR under <home>/invoke/backup; runs in the database";
    /** The rotation functions: {@link InvokeSecrets}. */
    private static final String ON_LOCAL_SECRETS =
            "the local secret store under <home>/invoke/secrets (a secret seeded for the call) and the database";

    private static final List<Function> ALL = List.of(
            // AWS: the functions of the CDK app (infra-cdk), named as it names them.
            local(
                    "aws",
                    "ingest-kinesis",
                    "dev.dbre.aws.ingest.KinesisIngestHandler",
                    "Kinesis event source mapping",
                    EventShape.KINESIS,
                    List.of("kinesis-batch.json"),
                    ON_DATABASE,
                    InvokeAws::kinesis),
            local(
                    "aws",
                    "ingest-http",
                    "dev.dbre.aws.ingest.HttpIngestHandler",
                    "API Gateway HTTP API (payload 2.0)",
                    EventShape.API_GATEWAY_HTTP,
                    List.of(
                            "apigw-http-v2-text.json",
                            "apigw-http-v2-json.json",
                            "apigw-http-v2-gzip.json",
                            "apigw-http-v2-all-bad.json"),
                    ON_DATABASE,
                    InvokeAws::http),
            local(
                    "aws",
                    "snapshot",
                    "dev.dbre.aws.backup.ScheduledSnapshotHandler",
                    "EventBridge Scheduler",
                    EventShape.SCHEDULER,
                    List.of("scheduler-snapshot.json", "scheduler-snapshot-dry-run.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAws::snapshot),
            local(
                    "aws",
                    "restore-submit",
                    "dev.dbre.aws.restore.RestoreHttpHandler",
                    "API Gateway HTTP API (payload 2.0)",
                    EventShape.API_GATEWAY_HTTP,
                    List.of(
                            "apigw-http-v2-restore.json",
                            "apigw-http-v2-restore-outside-window.json",
                            "apigw-http-v2-restore-snapshot.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAws::restoreSubmit),
            local(
                    "aws",
                    "restore-step",
                    "dev.dbre.aws.restore.RestoreStepHandler",
                    "Step Functions task",
                    EventShape.STEP_FUNCTIONS_TASK,
                    List.of("sfn-restore-step.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAws::restoreStep),
            local(
                    "aws",
                    "restore-drill",
                    "dev.dbre.aws.restore.RestoreDrillHandler",
                    "EventBridge Scheduler",
                    EventShape.SCHEDULER,
                    List.of("scheduler-drill.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAws::drill),
            local(
                    "aws",
                    "restore-fleet-drill",
                    "dev.dbre.aws.restore.RestoreDrillHandler",
                    "EventBridge Scheduler",
                    EventShape.SCHEDULER,
                    List.of("scheduler-fleet-drill.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAws::fleetDrill),
            local(
                    "aws",
                    "rotation",
                    "dev.dbre.aws.rotation.SecretsManagerRotationHandler",
                    "Secrets Manager rotation",
                    EventShape.SECRETS_MANAGER_ROTATION,
                    List.of(
                            "secretsmanager-rotation-createSecret.json",
                            "secretsmanager-rotation-setSecret.json",
                            "secretsmanager-rotation-testSecret.json",
                            "secretsmanager-rotation-finishSecret.json"),
                    ON_LOCAL_SECRETS,
                    InvokeAws::rotation),
            local(
                    "aws",
                    "maintenance",
                    "dev.dbre.aws.maintenance.MaintenanceHandler",
                    "EventBridge Scheduler",
                    EventShape.SCHEDULER,
                    List.of("scheduler-maintenance.json"),
                    ON_DATABASE,
                    InvokeAws::maintenance),
            local(
                    "aws",
                    "migrate",
                    "dev.dbre.aws.migrate.MigrationHandler",
                    "CDK trigger (once per deployment)",
                    EventShape.ANY_OBJECT,
                    List.of("trigger-migrate.json"),
                    ON_DATABASE,
                    InvokeAws::migrate),
            local(
                    "aws",
                    "slo-report",
                    "dev.dbre.aws.slo.SloReportHandler",
                    "EventBridge Scheduler",
                    EventShape.SCHEDULER,
                    List.of("scheduler-slo-report.json"),
                    ON_DATABASE,
                    InvokeAws::sloReport),
            // Azure: the @FunctionName of each function in functions/azure.
            local(
                    "azure",
                    "ingest-eventhubs",
                    "dev.dbre.azure.ingest.EventHubsIngestFunction",
                    "Event Hubs trigger (cardinality many)",
                    EventShape.EVENT_HUBS,
                    List.of("eventhubs-batch.json"),
                    ON_DATABASE,
                    InvokeAzure::eventHubs),
            local(
                    "azure",
                    "ingest-http",
                    "dev.dbre.azure.ingest.HttpIngestFunction",
                    "HTTP trigger POST /api/ingest",
                    EventShape.AZURE_HTTP,
                    List.of("http-text.json", "http-json-gzip.json"),
                    ON_DATABASE,
                    InvokeAzure::http),
            local(
                    "azure",
                    "snapshot-timer",
                    "dev.dbre.azure.backup.SnapshotFunction",
                    "timer trigger",
                    EventShape.TIMER,
                    List.of("timer-snapshot.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAzure::snapshot),
            local(
                    "azure",
                    "restore-submit",
                    "dev.dbre.azure.restore.RestoreSubmitFunction",
                    "HTTP trigger POST /api/restores",
                    EventShape.AZURE_HTTP,
                    List.of("http-restore.json", "http-restore-snapshot.json", "http-restore-outside-window.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAzure::restoreSubmit),
            local(
                    "azure",
                    "restore-advance",
                    "dev.dbre.azure.restore.RestoreAdvanceFunction",
                    "HTTP trigger POST /api/restores/advance",
                    EventShape.AZURE_HTTP,
                    List.of("http-restore-advance.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAzure::restoreAdvance),
            local(
                    "azure",
                    "restore-drill-timer",
                    "dev.dbre.azure.restore.DrillFunction",
                    "timer trigger",
                    EventShape.TIMER,
                    List.of("timer-drill.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeAzure::drill),
            local(
                    "azure",
                    "rotate-keyvault",
                    "dev.dbre.azure.rotation.KeyVaultRotationFunction",
                    "Event Grid trigger (Key Vault SecretNearExpiry)",
                    EventShape.EVENT_GRID,
                    List.of("keyvault-secret-near-expiry.json"),
                    ON_LOCAL_SECRETS,
                    InvokeAzure::rotation),
            local(
                    "azure",
                    "maintenance",
                    "dev.dbre.azure.maintenance.MaintenanceFunction",
                    "timer trigger",
                    EventShape.TIMER,
                    List.of("timer-maintenance.json"),
                    ON_DATABASE,
                    InvokeAzure::maintenance),
            local(
                    "azure",
                    "slo-report",
                    "dev.dbre.azure.slo.SloReportFunction",
                    "timer trigger",
                    EventShape.TIMER,
                    List.of("timer-slo-report.json"),
                    ON_DATABASE,
                    InvokeAzure::sloReport),
            // Google Cloud: the Cloud Run functions of the Terraform module, run by the Functions Framework.
            local(
                    "gcp",
                    "ingest-pubsub",
                    "dev.dbre.gcp.ingest.PubSubIngestFunction",
                    "Eventarc Pub/Sub trigger (CloudEvent)",
                    EventShape.PUBSUB_CLOUDEVENT,
                    List.of("pubsub-cloudevent.json"),
                    ON_DATABASE,
                    InvokeGcp::ingestPubSub),
            local(
                    "gcp",
                    "ingest-http",
                    "dev.dbre.gcp.ingest.HttpIngestFunction",
                    "HTTP",
                    EventShape.GCP_HTTP,
                    List.of("http-text.json", "http-json-gzip.json"),
                    ON_DATABASE,
                    InvokeGcp::ingestHttp),
            local(
                    "gcp",
                    "snapshot",
                    "dev.dbre.gcp.backup.SnapshotFunction",
                    "Cloud Scheduler → Pub/Sub (CloudEvent)",
                    EventShape.PUBSUB_CLOUDEVENT,
                    List.of("scheduler-snapshot-pubsub.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeGcp::snapshot),
            local(
                    "gcp",
                    "restore",
                    "dev.dbre.gcp.restore.RestoreFunction",
                    "HTTP (POST / submits, POST /advance steps)",
                    EventShape.GCP_HTTP,
                    List.of(
                            "http-restore.json",
                            "http-restore-snapshot.json",
                            "http-restore-advance.json",
                            "http-restore-outside-window.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeGcp::restore),
            local(
                    "gcp",
                    "drill",
                    "dev.dbre.gcp.restore.DrillFunction",
                    "Cloud Scheduler → Pub/Sub (CloudEvent)",
                    EventShape.PUBSUB_CLOUDEVENT,
                    List.of("scheduler-drill-pubsub.json"),
                    ON_LOCAL_PROVIDER,
                    InvokeGcp::drill),
            local(
                    "gcp",
                    "rotate-secret-manager",
                    "dev.dbre.gcp.rotation.SecretRotationFunction",
                    "Secret Manager rotation topic (CloudEvent)",
                    EventShape.PUBSUB_CLOUDEVENT,
                    List.of("secretmanager-rotate-cloudevent.json"),
                    ON_LOCAL_SECRETS,
                    InvokeGcp::rotation),
            local(
                    "gcp",
                    "maintenance",
                    "dev.dbre.gcp.maintenance.MaintenanceFunction",
                    "Cloud Scheduler → Pub/Sub (CloudEvent)",
                    EventShape.PUBSUB_CLOUDEVENT,
                    List.of("scheduler-maintenance-pubsub.json"),
                    ON_DATABASE,
                    InvokeGcp.cloudEvent("dev.dbre.gcp.maintenance.MaintenanceFunction")),
            local(
                    "gcp",
                    "slo-report",
                    "dev.dbre.gcp.slo.SloReportFunction",
                    "Cloud Scheduler → Pub/Sub (CloudEvent)",
                    EventShape.PUBSUB_CLOUDEVENT,
                    List.of("scheduler-slo-report-pubsub.json"),
                    ON_DATABASE,
                    InvokeGcp.cloudEvent("dev.dbre.gcp.slo.SloReportFunction")));

    private InvokeFunctions() {}

    static List<Function> all() {
        return ALL;
    }

    static List<Function> of(String cloud) {
        return ALL.stream().filter(f -> f.cloud().equals(cloud)).toList();
    }

    static Optional<Function> find(String cloud, String name) {
        return ALL.stream()
                .filter(f -> f.cloud().equals(cloud) && f.name().equals(name.toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    private static Function local(
            String cloud,
            String name,
            String handler,
            String trigger,
            EventShape shape,
            List<String> events,
            String runsOn,
            Runner runner) {
        return new Function(cloud, name, handler, trigger, shape, events, runsOn, runner);
    }
}
