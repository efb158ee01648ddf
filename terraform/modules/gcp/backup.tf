# snapshot (Cloud Scheduler -> Pub/Sub -> SnapshotFunction), restore (HTTP, driven by the Workflows
# loop below), drill (Cloud Scheduler -> Pub/Sub -> DrillFunction, one step per message).

resource "google_pubsub_topic" "snapshot_tick" {
  name    = "${var.name_prefix}-snapshot-tick"
  project = var.project_id
  labels  = local.labels
}

resource "google_pubsub_topic" "drill_tick" {
  name    = "${var.name_prefix}-drill-tick"
  project = var.project_id
  labels  = local.labels
}

resource "google_cloud_scheduler_job" "snapshot" {
  count       = var.snapshot.policy_json == null ? 0 : 1
  name        = "${var.name_prefix}-snapshot"
  project     = var.project_id
  region      = var.region
  description = "dbre: run the backup policy (the message's publishTime fixes the slot)"
  schedule    = var.snapshot.schedule
  time_zone   = var.snapshot.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.snapshot_tick.id
    data       = base64encode(jsonencode({ dryRun = var.snapshot.dry_run }))
  }
}

resource "google_cloud_scheduler_job" "drill" {
  count       = var.drill.enabled ? 1 : 0
  name        = "${var.name_prefix}-drill"
  project     = var.project_id
  region      = var.region
  description = var.drill.mode == "fleet" ? "dbre: advance the fleet's restore drills by one step" : "dbre: advance the day's restore drill by one step"
  schedule    = var.drill.schedule
  time_zone   = var.drill.time_zone

  lifecycle {
    precondition {
      condition     = var.drill.mode != "fleet" || var.snapshot.policy_json != null
      error_message = "drill.mode fleet drills the databases of the backup policy: set snapshot.policy_json."
    }
  }

  pubsub_target {
    topic_name = google_pubsub_topic.drill_tick.id
    data       = base64encode("{}")
  }
}

resource "google_storage_bucket_object" "backup_policy" {
  count        = var.snapshot.policy_json == null ? 0 : 1
  name         = "backup-policy.json"
  bucket       = google_storage_bucket.config.name
  content      = var.snapshot.policy_json
  content_type = "application/json"
}

# GcsPolicyReader reads the policy with the backup account.
resource "google_storage_bucket_iam_member" "policy_reader" {
  bucket = google_storage_bucket.config.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.fn["backup"].member
}

# What CloudSqlBackupProvider calls (backupRuns insert/list/get/delete, instances list/get/clone/
# update/delete, getLatestRecoveryTime under instances.get; a restore or fleet drill from a backup
# run creates the new instance and restores the backup into it: instances.create, restoreBackup)
# and nothing else; narrower than roles/cloudsql.admin, which could also change users, flags and
# networks.
resource "google_project_iam_custom_role" "backup" {
  project     = var.project_id
  role_id     = replace("${var.name_prefix}_dbre_backup", "-", "_")
  title       = "dbre snapshot and restore"
  description = "Cloud SQL on-demand backups, point-in-time clones, labels and tier of clones, deletion of drill clones."
  permissions = [
    "cloudsql.backupRuns.create",
    "cloudsql.backupRuns.delete",
    "cloudsql.backupRuns.get",
    "cloudsql.backupRuns.list",
    "cloudsql.instances.clone",
    "cloudsql.instances.create",
    "cloudsql.instances.delete",
    "cloudsql.instances.get",
    "cloudsql.instances.list",
    "cloudsql.instances.restoreBackup",
    "cloudsql.instances.update",
  ]
}

resource "google_project_iam_member" "backup" {
  project = var.project_id
  role    = google_project_iam_custom_role.backup.name
  member  = google_service_account.fn["backup"].member
}

# The drill request, mounted into the drill function as a file (DBRE_DRILL_REQUEST_FILE): Secret
# Manager volumes are how a Cloud Run function gets a file that is not in its source.
resource "google_secret_manager_secret" "drill_request" {
  count     = local.drill_request ? 1 : 0
  project   = var.project_id
  secret_id = "${var.name_prefix}-drill-request"
  labels    = local.labels

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "drill_request" {
  count       = local.drill_request ? 1 : 0
  secret      = google_secret_manager_secret.drill_request[0].id
  secret_data = var.drill.request_json
}

# The restore loop. Why Workflows (and not a scheduled advance): terraform/README.md, "Restore loop".
# Execute it with the restore request as the argument; it submits once, then sleeps and advances
# until the run is done (its body is the execution's result) or max_steps is reached (it fails).
resource "google_workflows_workflow" "restore" {
  name            = "${var.name_prefix}-restore"
  project         = var.project_id
  region          = var.region
  description     = "dbre point-in-time restore: submit, then advance until done"
  service_account = google_service_account.fn["trigger"].email
  call_log_level  = "LOG_ERRORS_ONLY"
  labels          = local.labels

  source_contents = <<-YAML
    main:
      params: [request]
      steps:
        - submit:
            try:
              call: http.post
              args:
                url: ${google_cloudfunctions2_function.fn["restore"].url}
                auth:
                  type: OIDC
                body: $${request}
              result: submitted
            retry: $${http.default_retry}
        - init:
            assign:
              - runId: $${submitted.body.runId}
              - step: 0
        - wait:
            call: sys.sleep
            args:
              seconds: ${var.restore_workflow.poll_seconds}
        - advance:
            try:
              call: http.post
              args:
                url: ${google_cloudfunctions2_function.fn["restore"].url}/advance
                auth:
                  type: OIDC
                body:
                  runId: $${runId}
              result: advanced
            retry: $${http.default_retry}
        - check:
            switch:
              - condition: $${advanced.body.done == true}
                return: $${advanced.body}
              - condition: $${step + 1 >= ${var.restore_workflow.max_steps}}
                raise: $${"restore run " + runId + " not done after ${var.restore_workflow.max_steps} steps"}
        - next:
            assign:
              - step: $${step + 1}
            next: wait
  YAML
}
