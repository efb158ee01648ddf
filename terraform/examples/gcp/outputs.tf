output "ingest_topic" {
  description = "Publish metric lines here."
  value       = module.dbre.ingest_topic
}

output "ingest_url" {
  description = "HTTP ingest endpoint (identity token of an invoker)."
  value       = module.dbre.ingest_url
}

output "restore_workflow" {
  description = "Run a restore: gcloud workflows run <this> --data @request.json."
  value       = module.dbre.restore_workflow
}

output "database_grants_sql" {
  description = "SQL for a database administrator, run once."
  value       = module.dbre.database_grants_sql
}

output "reports_bucket" {
  description = "Where the SLO reports are written."
  value       = module.dbre.reports_bucket
}

output "slo_alert_topic" {
  description = "Pub/Sub topic of SLO alert changes: subscribe to it."
  value       = module.dbre.slo_alert_topic
}
