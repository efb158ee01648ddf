output "ingest_url" {
  description = "HTTP ingest endpoint (needs a function key)."
  value       = module.dbre.ingest_url
}

output "eventhub" {
  description = "Event Hubs namespace, hub and consumer group of ingest."
  value       = module.dbre.eventhub
}

output "restore_workflow_url" {
  description = "POST a restore request here."
  value       = module.dbre.restore_workflow_url
  sensitive   = true
}

output "key_vault_uri" {
  description = "Key Vault of the rotated secrets."
  value       = module.dbre.key_vault_uri
}

output "database_role_sql" {
  description = "SQL for the server's Entra administrator, run once."
  value       = module.dbre.database_role_sql
}

output "reports_container" {
  description = "Where the SLO reports are written."
  value       = module.dbre.reports_container
}

output "slo_alert_topic" {
  description = "Event Grid topic of SLO alert changes: subscribe to it."
  value       = module.dbre.slo_alert_topic
}
