# maintenance (Cloud Scheduler -> Pub/Sub -> MaintenanceFunction, every 5 minutes) and slo-report
# (Cloud Scheduler -> Pub/Sub -> SloReportFunction, hourly). The SLO report reads its spec set from a
# Secret Manager volume (DBRE_SLO_SPEC, like the drill request: the way to give a Cloud Run
# function a file), writes reports to a bucket of its own (DBRE_SLO_OUT) and publishes alert
# changes to a topic (DBRE_SLO_NOTIFY). Each has its own service account.

resource "google_pubsub_topic" "maintenance_tick" {
  name    = "${var.name_prefix}-maintenance-tick"
  project = var.project_id
  labels  = local.labels
}

resource "google_cloud_scheduler_job" "maintenance" {
  count       = var.maintenance.enabled ? 1 : 0
  name        = "${var.name_prefix}-maintenance"
  project     = var.project_id
  region      = var.region
  description = "dbre: metric store maintenance (roll-ups, partitions ahead, retention)"
  schedule    = var.maintenance.schedule
  time_zone   = var.maintenance.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.maintenance_tick.id
    data       = base64encode("{}")
  }
}

resource "google_pubsub_topic" "slo_tick" {
  name    = "${var.name_prefix}-slo-tick"
  project = var.project_id
  labels  = local.labels
}

resource "google_cloud_scheduler_job" "slo_report" {
  count       = var.slo_report.enabled ? 1 : 0
  name        = "${var.name_prefix}-slo-report"
  project     = var.project_id
  region      = var.region
  description = "dbre: compute and publish the SLO report"
  schedule    = var.slo_report.schedule
  time_zone   = var.slo_report.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.slo_tick.id
    data       = base64encode("{}")
  }
}

# The spec set as one multi-document YAML file (SloSpecs reads several documents per file).
resource "google_secret_manager_secret" "slo_spec" {
  count     = var.slo_report.enabled ? 1 : 0
  project   = var.project_id
  secret_id = "${var.name_prefix}-slo-spec"
  labels    = local.labels

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "slo_spec" {
  count       = var.slo_report.enabled ? 1 : 0
  secret      = google_secret_manager_secret.slo_spec[0].id
  secret_data = var.slo_report.spec_yaml
}

resource "google_secret_manager_secret_iam_member" "slo_spec" {
  count     = var.slo_report.enabled ? 1 : 0
  project   = var.project_id
  secret_id = google_secret_manager_secret.slo_spec[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["slo"].member
}

# Reports: private (uniform access, public access prevention enforced), versioned; reports expire
# after report_retention_days, overwritten versions after 30 days.
resource "google_storage_bucket" "reports" {
  name                        = "${var.project_id}-${var.name_prefix}-slo-reports"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age            = var.slo_report.report_retention_days
      matches_prefix = ["${var.slo_report.prefix}/"]
    }
  }

  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      days_since_noncurrent_time = 30
      with_state                 = "ARCHIVED"
    }
  }
}

# Write reports, on the report bucket only: create, and delete because a report written again under
# its name (a retried hour) replaces the object, which Cloud Storage authorizes as a delete too. No
# read or list (narrower than roles/storage.objectUser).
resource "google_project_iam_custom_role" "slo_report_writer" {
  project     = var.project_id
  role_id     = replace("${var.name_prefix}_dbre_slo_writer", "-", "_")
  title       = "dbre SLO report writer"
  description = "Create and replace objects (granted on the SLO report bucket only)."
  permissions = [
    "storage.objects.create",
    "storage.objects.delete",
  ]
}

resource "google_storage_bucket_iam_member" "slo_reports_writer" {
  bucket = google_storage_bucket.reports.name
  role   = google_project_iam_custom_role.slo_report_writer.name
  member = google_service_account.fn["slo"].member
}

# Alert changes (an alert starts or stops firing). Subscribe to it (output slo_alert_topic).
resource "google_pubsub_topic" "slo_alerts" {
  name    = "${var.name_prefix}-slo-alerts"
  project = var.project_id
  labels  = local.labels
}

resource "google_pubsub_topic_iam_member" "slo_alerts_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.slo_alerts.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.fn["slo"].member
}
