# slo-report (SloReportFunction, timer DBRE_SLO_SCHEDULE) and maintenance (MaintenanceFunction, timer
# DBRE_MAINTENANCE_SCHEDULE): both in the app of main.tf, reaching the database like every function.
# The SLO report reads its spec set from the package (DBRE_SLO_SPEC), writes reports to a storage
# account of its own (DBRE_SLO_OUT) and tells an Event Grid topic when an alert starts or stops
# firing (DBRE_SLO_NOTIFY).

# Reports live apart from the host storage: the identity owns the host account's blobs (the
# Functions host needs that), so a container there could not be limited to "write reports". Here it
# may only write blobs in the reports container. No account keys: Entra only.
resource "azurerm_storage_account" "reports" {
  name                            = substr("${var.name_prefix}slo${local.unique}", 0, 24)
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  tags                            = local.tags

  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 7
    }
  }
}

resource "azurerm_storage_container" "reports" {
  name                  = "reports"
  storage_account_id    = azurerm_storage_account.reports.id
  container_access_type = "private"
}

# Old reports go after report_retention_days; overwritten versions (a report rewritten for the same
# hour) after 30 days.
resource "azurerm_storage_management_policy" "reports" {
  storage_account_id = azurerm_storage_account.reports.id

  rule {
    name    = "expire-old-reports"
    enabled = true
    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["${azurerm_storage_container.reports.name}/${var.slo_report.prefix}/"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.slo_report.report_retention_days
      }
      version {
        delete_after_days_since_creation = 30
      }
    }
  }
}

resource "azurerm_role_assignment" "slo_reports_writer" {
  scope                = azurerm_storage_container.reports.resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.functions.principal_id
  principal_type       = "ServicePrincipal"
}

# Alert changes (an alert starts or stops firing): events of type Dbre.Slo.AlertsChanged in the
# Event Grid schema, which is what the report's notifier posts; Entra-authenticated publishers only
# (no access keys). Subscribe a webhook, queue or Logic App to it (output slo_alert_topic).
resource "azurerm_eventgrid_topic" "slo_alerts" {
  name                = "${local.app_name}-slo-alerts"
  resource_group_name = var.resource_group_name
  location            = var.location
  input_schema        = "EventGridSchema"
  local_auth_enabled  = false
  tags                = local.tags
}

resource "azurerm_role_assignment" "slo_alerts_sender" {
  scope                = azurerm_eventgrid_topic.slo_alerts.id
  role_definition_name = "EventGrid Data Sender"
  principal_id         = azurerm_user_assigned_identity.functions.principal_id
  principal_type       = "ServicePrincipal"
}
