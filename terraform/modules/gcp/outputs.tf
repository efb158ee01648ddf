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
  description = "Run once on the database as an administrator: the table grants of the IAM database users. The maintenance user drops partitions, which only the tables' owner may: it becomes a member of database.schema_owner (the role the migrations ran as)."
  value       = <<-SQL
    GRANT SELECT, INSERT ON ingest_batches, ingest_records, metric_points, service_checks, ingest_events, ingest_rejects TO "${local.db_user["ingest"]}";
    GRANT UPDATE ON ingest_batches TO "${local.db_user["ingest"]}";
    GRANT SELECT, INSERT, UPDATE ON snapshot_runs, restore_runs, restore_run_events TO "${local.db_user["backup"]}";
    GRANT "${var.database.schema_owner}" TO "${local.db_user["maintenance"]}";
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${local.db_user["slo"]}";
    GRANT INSERT, UPDATE, DELETE ON slo_alert_state TO "${local.db_user["slo"]}";
  SQL
}
