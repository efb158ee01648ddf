output "functions" {
  description = "Each function's name and URL (the HTTP functions: ingest-http and restore; callers need roles/run.invoker)."
  value       = { for k, f in google_cloudfunctions2_function.fn : k => { name = f.name, url = f.url } }
}

output "ingest_topic" {
  description = "The Pub/Sub topic whose messages ingest-pubsub stores."
  value       = local.ingest_topic
}

output "ingest_url" {
  description = "HTTP ingest endpoint: POST DogStatsD or JSON with an identity token of an ingest.http_invokers member."
  value       = google_cloudfunctions2_function.fn["ingest-http"].url
}

output "restore_workflow" {
  description = "The restore workflow: gcloud workflows run <name> --location <region> --data @request.json."
  value       = google_workflows_workflow.restore.name
}

output "service_accounts" {
  description = "The functions' service accounts by job (ingest, backup, rotation, trigger, maintenance, slo)."
  value       = { for k, sa in google_service_account.fn : k => sa.email }
}

output "rotation_topic" {
  description = "The topic Secret Manager publishes rotation notifications to; rotated secrets must list it."
  value       = google_pubsub_topic.rotation.id
}

output "rotated_secrets" {
  description = "Secrets created with a rotation schedule. Add their first version outside Terraform (gcloud secrets versions add), so that no password enters the state."
  value       = [for s in google_secret_manager_secret.rotated : s.id]
}

output "config_bucket" {
  description = "Bucket of the backup policy (backup-policy.json)."
  value       = google_storage_bucket.config.name
}

output "reports_bucket" {
  description = "Where slo-report writes its reports (DBRE_SLO_OUT is gs://<this>/<prefix>)."
  value       = google_storage_bucket.reports.name
}

output "slo_alert_topic" {
  description = "The Pub/Sub topic slo-report publishes to when an alert starts or stops firing (DBRE_SLO_NOTIFY); subscribe to it."
  value       = google_pubsub_topic.slo_alerts.id
}

output "database_grants_sql" {
  description = "Run once on the database as an administrator that may create roles and is database.schema_owner or its member (and again after an upgrade that adds tables): one group role per job (dbre_ingest, dbre_backup, dbre_rotation, dbre_maintenance, dbre_slo) with what that job does, and each function's IAM database user made a member of its group (database-grants.sql.tftpl)."
  value = templatefile("${path.module}/database-grants.sql.tftpl", {
    owner       = var.database.schema_owner
    ingest      = local.db_user["ingest"]
    backup      = local.db_user["backup"]
    rotation    = local.db_user["rotation"]
    maintenance = local.db_user["maintenance"]
    slo         = local.db_user["slo"]
  })
}
