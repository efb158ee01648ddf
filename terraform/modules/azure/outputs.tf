output "function_app_name" {
  description = "Name of the function app (az functionapp keys list -g <rg> -n <name> gives the function keys of the HTTP functions)."
  value       = azurerm_function_app_flex_consumption.this.name
}

output "function_app_id" {
  description = "Resource id of the function app."
  value       = azurerm_function_app_flex_consumption.this.id
}

output "ingest_url" {
  description = "HTTP ingest endpoint (ingest-http): POST DogStatsD or JSON with a function key (?code= or x-functions-key)."
  value       = "https://${azurerm_function_app_flex_consumption.this.default_hostname}/api/ingest"
}

output "restore_url" {
  description = "restore-submit endpoint (function key). Prefer restore_workflow_url, which also advances the run."
  value       = "https://${azurerm_function_app_flex_consumption.this.default_hostname}/api/restores"
}

output "restore_workflow_url" {
  description = "The restore workflow's trigger URL (carries a SAS signature): POST a restore request to it."
  value       = azurerm_logic_app_trigger_http_request.restore.callback_url
  sensitive   = true
}

output "eventhub" {
  description = "Where to send metric lines for ingest-eventhubs: namespace host, hub name, and the function's consumer group."
  value = {
    namespace      = "${azurerm_eventhub_namespace.ingest.name}.servicebus.windows.net"
    name           = azurerm_eventhub.ingest.name
    consumer_group = azurerm_eventhub_consumer_group.ingest.name
  }
}

output "key_vault_uri" {
  description = "Key Vault for the rotated database secrets. A secret is rotated only when it has an expiry date (Key Vault sends SecretNearExpiry 30 days before it)."
  value       = azurerm_key_vault.secrets.vault_uri
}

output "identity" {
  description = "The functions' user-assigned managed identity."
  value = {
    id           = azurerm_user_assigned_identity.functions.id
    name         = azurerm_user_assigned_identity.functions.name
    client_id    = azurerm_user_assigned_identity.functions.client_id
    principal_id = azurerm_user_assigned_identity.functions.principal_id
  }
}

output "database_role_sql" {
  description = "Run once on the database as its Microsoft Entra administrator, who must be database.schema_owner or its member (and again after an upgrade that adds tables): creates the functions' Entra role, one group role per job (dbre_ingest, dbre_backup, dbre_rotation, dbre_maintenance, dbre_slo) with what that job does, and makes the identity a member of every group, since one identity runs every function here (database-grants.sql.tftpl)."
  value = join("\n", [
    # Only once: the whole output may be run again after an upgrade.
    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${azurerm_user_assigned_identity.functions.name}') THEN PERFORM pgaadauth_create_principal_with_oid('${azurerm_user_assigned_identity.functions.name}', '${azurerm_user_assigned_identity.functions.principal_id}', 'service', false, false); END IF; END $$;",
    templatefile("${path.module}/database-grants.sql.tftpl", {
      owner       = var.database.schema_owner
      ingest      = azurerm_user_assigned_identity.functions.name
      backup      = azurerm_user_assigned_identity.functions.name
      rotation    = azurerm_user_assigned_identity.functions.name
      maintenance = azurerm_user_assigned_identity.functions.name
      slo         = azurerm_user_assigned_identity.functions.name
    }),
  ])
}

output "application_insights_id" {
  description = "Application Insights of the functions (logs, metrics lines, alert queries)."
  value       = azurerm_application_insights.this.id
}

output "action_group_id" {
  description = "The alerts' action group; add receivers (webhook, SMS) here or pass it to other alert rules."
  value       = azurerm_monitor_action_group.dbre.id
}

output "reports_container" {
  description = "Where slo-report writes its reports (DBRE_SLO_OUT is this plus /<prefix>); read them with Storage Blob Data Reader on the container."
  value       = "${azurerm_storage_account.reports.primary_blob_endpoint}${azurerm_storage_container.reports.name}"
}

output "slo_alert_topic" {
  description = "The Event Grid topic slo-report tells when an alert starts or stops firing (DBRE_SLO_NOTIFY): its id (for event subscriptions) and endpoint."
  value = {
    id       = azurerm_eventgrid_topic.slo_alerts.id
    endpoint = azurerm_eventgrid_topic.slo_alerts.endpoint
  }
}

output "drill_request_path" {
  description = "Where the drill request must sit inside function_package (scripts/deploy-azure puts it there)."
  value       = "dbre/drill-request.json"
}
