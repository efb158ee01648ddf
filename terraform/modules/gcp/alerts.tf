# Alert policies equivalent to the AWS alarms (infra-cdk), all to the same e-mail channels:
#   AWS                                   here
#   Kinesis iterator age                  ingest_lag: oldest unacknowledged message of the Eventarc subscription
#   on-failure destination depth          ingest_records_failed (IngestRecordsFailed lines)
#   Lambda errors                         function_errors: 5xx answers of any dbre function
#   RotationFailures                      rotation_failures
#   failed drills                         restore_failures (drills included), drill_missing
#   snapshot failures / RPO breach        snapshot_failures, rpo_breach, backups_over_rpo (BackupsOverRpo)
#   DrillFailures, DrillsOverRto          drill_failures, drills_over_rto
#   SloAlertsFiring                       slo_alerts_firing
#   MaintenanceFailures                   maintenance_failures
#   Step Functions failed executions      restore_workflow_failed
# The functions' metrics are JSON lines (LogMetricsPublisher) in Cloud Logging (jsonPayload.metrics.*).

resource "google_monitoring_notification_channel" "email" {
  for_each     = toset(var.alerts.emails)
  project      = var.project_id
  display_name = "dbre alerts: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }
}

locals {
  channels      = [for c in google_monitoring_notification_channel.email : c.name]
  metrics_lines = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=starts_with(\"${var.name_prefix}-\") AND jsonPayload.message=\"metrics\""

  log_alerts = {
    ingest_records_failed = {
      title    = "dbre: ingest could not store records"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.IngestRecordsFailed>0"
      severity = "ERROR"
    }
    rotation_failures = {
      title    = "dbre: secret rotation failed"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.RotationFailures>0"
      severity = "CRITICAL"
    }
    restore_failures = {
      title    = "dbre: restore or drill failed"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.RestoreFailures>0"
      severity = "CRITICAL"
    }
    snapshot_failures = {
      title    = "dbre: snapshot failed"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.SnapshotFailures>0"
      severity = "ERROR"
    }
    rpo_breach = {
      title    = "dbre: backup older than the RPO"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.SnapshotOldestNewestAge>${var.alerts.rpo_hours * 3600}"
      severity = "CRITICAL"
    }
    backups_over_rpo = {
      title    = "dbre: backup older than its policy's RPO objective"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.BackupsOverRpo>0"
      severity = "CRITICAL"
    }
    drill_failures = {
      title    = "dbre: restore drill failed"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.DrillFailures>0"
      severity = "CRITICAL"
    }
    drills_over_rto = {
      title    = "dbre: restore drill over its RTO objective"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.DrillsOverRto>0"
      severity = "ERROR"
    }
    slo_alerts_firing = {
      title    = "dbre: SLO burn-rate alert firing"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.SloAlertsFiring>0"
      severity = "CRITICAL"
    }
    maintenance_failures = {
      title    = "dbre: metric store maintenance failed"
      filter   = "${local.metrics_lines} AND jsonPayload.metrics.MaintenanceFailures>0"
      severity = "ERROR"
    }
  }
}

resource "google_monitoring_alert_policy" "log" {
  for_each              = local.log_alerts
  project               = var.project_id
  display_name          = each.value.title
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = local.channels
  user_labels           = local.labels

  conditions {
    display_name = each.value.title
    condition_matched_log {
      filter = each.value.filter
    }
  }

  # Log-match policies must be rate limited.
  alert_strategy {
    notification_rate_limit {
      period = "300s"
    }
    auto_close = "1800s"
  }
}

resource "google_monitoring_alert_policy" "ingest_lag" {
  project               = var.project_id
  display_name          = "dbre: ingest lag"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels
  user_labels           = local.labels

  conditions {
    display_name = "oldest unacknowledged metrics message older than ${var.alerts.ingest_max_age_seconds} s"
    condition_threshold {
      # Eventarc names the subscription eventarc-<region>-<function>-<n>-sub-<n>.
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.labels.subscription_id=starts_with(\"eventarc-${var.region}-${var.name_prefix}-ingest-pubsub-\")"
      comparison      = "COMPARISON_GT"
      threshold_value = var.alerts.ingest_max_age_seconds
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "function_errors" {
  project               = var.project_id
  display_name          = "dbre: function errors"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels
  user_labels           = local.labels

  conditions {
    display_name = "5xx answers of a dbre function"
    condition_threshold {
      filter          = "resource.type=\"cloud_run_revision\" AND metric.type=\"run.googleapis.com/request_count\" AND metric.labels.response_code_class=\"5xx\" AND resource.labels.service_name=starts_with(\"${var.name_prefix}-\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.service_name"]
      }
    }
  }
}

resource "google_monitoring_alert_policy" "restore_workflow_failed" {
  project               = var.project_id
  display_name          = "dbre: restore workflow failed"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.channels
  user_labels           = local.labels

  conditions {
    display_name = "failed executions of ${google_workflows_workflow.restore.name}"
    condition_threshold {
      filter          = "resource.type=\"workflows.googleapis.com/Workflow\" AND metric.type=\"workflows.googleapis.com/finished_execution_count\" AND metric.labels.status=\"FAILED\" AND resource.labels.workflow_id=\"${google_workflows_workflow.restore.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_DELTA"
      }
    }
  }
}

# Drills verified and cleaned up, counted from the DrillsCompleted lines; alert when none for a day.
resource "google_logging_metric" "drills_completed" {
  count   = var.drill.enabled ? 1 : 0
  project = var.project_id
  name    = "${var.name_prefix}-dbre-drills-completed"
  filter  = "${local.metrics_lines} AND jsonPayload.metrics.DrillsCompleted>0"
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }
}

resource "google_monitoring_alert_policy" "drill_missing" {
  count                 = var.drill.enabled ? 1 : 0
  project               = var.project_id
  display_name          = "dbre: no restore drill completed for a day"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.channels
  user_labels           = local.labels

  conditions {
    display_name = "no DrillsCompleted for 24 h"
    condition_absent {
      filter   = "resource.type=\"cloud_run_revision\" AND metric.type=\"logging.googleapis.com/user/${google_logging_metric.drills_completed[0].name}\""
      duration = "86400s"
      aggregations {
        alignment_period   = "3600s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
}
