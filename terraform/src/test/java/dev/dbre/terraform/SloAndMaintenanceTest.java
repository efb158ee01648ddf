package dev.dbre.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * What the modules deploy for the maintenance step, the SLO report and fleet drills: private,
 * TLS-only report storage that keeps old reports for a bounded time, an alert-change topic, and
 * roles scoped to exactly that container / bucket / topic.
 */
class SloAndMaintenanceTest {
    private final TfModule azure = Project.module("modules/azure");
    private final TfModule gcp = Project.module("modules/gcp");

    @Test
    void azureReportAccount_isPrivateTlsOnlyWithoutKeys_versioned_andExpiresOldReports() {
        JsonNode account = resource(azure, "azurerm_storage_account.reports");
        assertThat(account.path("min_tls_version").asText()).isEqualTo("TLS1_2");
        assertThat(account.path("https_traffic_only_enabled").asBoolean()).isTrue();
        assertThat(account.path("allow_nested_items_to_be_public").asBoolean(true))
                .isFalse();
        assertThat(account.path("shared_access_key_enabled").asBoolean(true)).isFalse();
        assertThat(account.path("blob_properties")
                        .get(0)
                        .path("versioning_enabled")
                        .asBoolean())
                .isTrue();
        assertThat(resource(azure, "azurerm_storage_container.reports")
                        .path("container_access_type")
                        .asText())
                .isEqualTo("private");
        JsonNode rule = resource(azure, "azurerm_storage_management_policy.reports")
                .path("rule")
                .get(0);
        assertThat(rule.path("actions")
                        .get(0)
                        .path("base_blob")
                        .get(0)
                        .path("delete_after_days_since_modification_greater_than")
                        .asText())
                .isEqualTo("${var.slo_report.report_retention_days}");
        assertThat(rule.path("filters").get(0).path("prefix_match").toString()).contains("var.slo_report.prefix");
    }

    @Test
    void azureRoles_areBlobContributorOnTheReportContainerAndSenderOnTheTopic_only() {
        JsonNode writer = resource(azure, "azurerm_role_assignment.slo_reports_writer");
        assertThat(writer.path("role_definition_name").asText()).isEqualTo("Storage Blob Data Contributor");
        assertThat(writer.path("scope").asText()).isEqualTo("${azurerm_storage_container.reports.resource_manager_id}");
        JsonNode sender = resource(azure, "azurerm_role_assignment.slo_alerts_sender");
        assertThat(sender.path("role_definition_name").asText()).isEqualTo("EventGrid Data Sender");
        assertThat(sender.path("scope").asText()).isEqualTo("${azurerm_eventgrid_topic.slo_alerts.id}");
        JsonNode topic = resource(azure, "azurerm_eventgrid_topic.slo_alerts");
        assertThat(topic.path("local_auth_enabled").asBoolean(true)).isFalse();
        // The report's notifier posts Event Grid schema events (Dbre.Slo.AlertsChanged).
        assertThat(topic.path("input_schema").asText()).isEqualTo("EventGridSchema");
        // No other assignment reaches the report account.
        azure.resources.forEach((name, body) -> {
            if (name.startsWith("azurerm_role_assignment.") && !name.endsWith(".slo_reports_writer")) {
                assertThat(body.path("scope").asText()).as(name).doesNotContain("reports");
            }
        });
    }

    @Test
    void gcpReportBucket_isUniformPrivateVersioned_andExpiresOldReports() {
        JsonNode bucket = resource(gcp, "google_storage_bucket.reports");
        assertThat(bucket.path("uniform_bucket_level_access").asBoolean()).isTrue();
        assertThat(bucket.path("public_access_prevention").asText()).isEqualTo("enforced");
        assertThat(bucket.path("versioning").get(0).path("enabled").asBoolean()).isTrue();
        assertThat(bucket.path("lifecycle_rule").toString())
                .contains("${var.slo_report.report_retention_days}")
                .contains("\"days_since_noncurrent_time\":30");
    }

    @Test
    void gcpGrants_areCreateAndReplaceOnTheReportBucketAndPublisherOnTheAlertTopic_forTheSloAccount() {
        JsonNode writer = resource(gcp, "google_storage_bucket_iam_member.slo_reports_writer");
        assertThat(writer.path("bucket").asText()).isEqualTo("${google_storage_bucket.reports.name}");
        assertThat(writer.path("role").asText()).isEqualTo("${google_project_iam_custom_role.slo_report_writer.name}");
        assertThat(resource(gcp, "google_project_iam_custom_role.slo_report_writer")
                        .path("permissions")
                        .toString())
                .isEqualTo("[\"storage.objects.create\",\"storage.objects.delete\"]");
        assertThat(writer.path("member").asText()).isEqualTo("${google_service_account.fn[\"slo\"].member}");
        JsonNode publisher = resource(gcp, "google_pubsub_topic_iam_member.slo_alerts_publisher");
        assertThat(publisher.path("topic").asText()).isEqualTo("${google_pubsub_topic.slo_alerts.name}");
        assertThat(publisher.path("role").asText()).isEqualTo("roles/pubsub.publisher");
        assertThat(publisher.path("member").asText()).isEqualTo("${google_service_account.fn[\"slo\"].member}");
    }

    @Test
    void gcpSchedules_triggerMaintenanceAndTheSloReport_byTheirTopics() {
        assertThat(resource(gcp, "google_cloud_scheduler_job.maintenance")
                        .path("pubsub_target")
                        .get(0)
                        .path("topic_name")
                        .asText())
                .isEqualTo("${google_pubsub_topic.maintenance_tick.id}");
        assertThat(resource(gcp, "google_cloud_scheduler_job.slo_report")
                        .path("pubsub_target")
                        .get(0)
                        .path("topic_name")
                        .asText())
                .isEqualTo("${google_pubsub_topic.slo_tick.id}");
        String functions = locals(gcp).path("functions").toString();
        assertThat(functions)
                .contains("dev.dbre.gcp.maintenance.MaintenanceFunction")
                .contains("${google_pubsub_topic.maintenance_tick.id}")
                .contains("dev.dbre.gcp.slo.SloReportFunction")
                .contains("${google_pubsub_topic.slo_tick.id}");
    }

    @Test
    void fleetDrill_dropsTheRequestFile_andReadsTheBackupPolicy_onBothClouds() {
        assertThat(locals(azure).path("drill_settings").asText())
                .isEqualTo(
                        "${var.drill.mode == \"request\" ? { DBRE_DRILL_REQUEST_FILE = local.drill_request_file } : {}}");
        String drill =
                locals(gcp).path("functions").path("drill").path("environment").asText();
        assertThat(drill)
                .contains("local.drill_request ? { DBRE_DRILL_REQUEST_FILE")
                .contains("var.drill.mode == \"fleet\"")
                .contains("DBRE_BACKUP_POLICY = \"gs://${google_storage_bucket.config.name}/backup-policy.json\"");
        assertThat(locals(gcp).path("drill_request").asText())
                .isEqualTo("${var.drill.enabled && var.drill.mode == \"request\"}");
    }

    @Test
    void gcpMaintenanceAndSloAccounts_logInToTheDatabase_withTheirGrants() {
        assertThat(locals(gcp).path("database_accounts").asText()).contains("\"maintenance\"", "\"slo\"");
        for (String key : new String[] {"sql_login", "sql_instance_user"}) {
            assertThat(resource(gcp, "google_project_iam_member." + key)
                            .path("for_each")
                            .asText())
                    .contains("local.database_accounts");
        }
        assertThat(resource(gcp, "google_sql_user.iam").path("for_each").asText())
                .contains("local.database_accounts");
        // What their groups may do: DatabaseGrantsWiringTest and, on a database, DatabaseGrantsTest (shared).
        assertThat(gcp.outputs.get("database_grants_sql").path("value").asText())
                .contains("database-grants.sql.tftpl");
    }

    @Test
    void newMetrics_haveAlertsOnBothClouds() {
        String azureAlerts = locals(azure).path("log_alerts").toString();
        String gcpAlerts = locals(gcp).path("log_alerts").toString();
        for (String metric : new String[] {
            "DrillFailures", "DrillsOverRto", "BackupsOverRpo", "SloAlertsFiring", "MaintenanceFailures"
        }) {
            assertThat(azureAlerts).as("azure " + metric).contains("j.metrics." + metric + ")");
            assertThat(gcpAlerts).as("gcp " + metric).contains("jsonPayload.metrics." + metric + ">0");
        }
    }

    private static JsonNode resource(TfModule m, String name) {
        JsonNode r = m.resources.get(name);
        assertThat(r).as(m.dir + ": " + name).isNotNull();
        return r;
    }

    /** All locals blocks of the module merged (each name is declared once). */
    private static JsonNode locals(TfModule m) {
        com.fasterxml.jackson.databind.node.ObjectNode all =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (JsonNode tree : m.trees) {
            for (JsonNode block : tree.path("locals")) {
                block.fields().forEachRemaining(e -> all.set(e.getKey(), e.getValue()));
            }
        }
        return all;
    }
}
