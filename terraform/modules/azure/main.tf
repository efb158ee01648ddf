# dbre on Azure: one Flex Consumption function app (Java 21) holding every function of functions/azure,
# one user-assigned identity for all of them, and what each trigger needs. Files:
#   main.tf      identity, storage, monitoring workspace, the function app and its app settings
#   ingest.tf    Event Hubs namespace, hub and consumer group (ingest-eventhubs)
#   backup.tf    backup policy blob, the Flexible Server role, the restore workflow (Logic App)
#   rotation.tf  Key Vault and the near-expiry Event Grid subscription (rotate-keyvault)
#   slo.tf       the report storage account and container, the Event Grid topic for alert changes (slo-report)
#   database.tf  the Flexible Server's Microsoft Entra administrator (optional)
#   alerts.tf    action group and alert rules (the AWS alarms' equivalents)

data "azurerm_client_config" "current" {}

data "azurerm_resource_group" "this" {
  name = var.resource_group_name
}

data "azurerm_resource_group" "fleet" {
  name = local.fleet_resource_group_name
}

locals {
  fleet_resource_group_name = coalesce(var.fleet_resource_group_name, var.database.resource_group_name)
  # Storage account and Key Vault names are global and short (24 characters, no dashes).
  unique   = substr(sha1(data.azurerm_resource_group.this.id), 0, 6)
  app_name = "${var.name_prefix}-dbre-${local.unique}"

  # Function names: the @FunctionName values in functions/azure.
  functions = {
    ingest_eventhubs = "ingest-eventhubs"
    ingest_http      = "ingest-http"
    snapshot         = "snapshot-timer"
    restore_submit   = "restore-submit"
    restore_advance  = "restore-advance"
    drill            = "restore-drill-timer"
    rotation         = "rotate-keyvault"
    maintenance      = "maintenance"
    slo_report       = "slo-report"
  }

  # Where scripts/deploy-azure puts the drill request inside the package; the package is the app's
  # content root on Linux (AzureWebJobsScriptRoot).
  drill_request_file = "/home/site/wwwroot/dbre/drill-request.json"
  # Where scripts/deploy-azure puts the SLO spec set (the tf dir's slo/ or docs/examples/slo).
  slo_spec_dir = "/home/site/wwwroot/dbre/slo"

  tags = merge(var.tags, { "dbre:managed-by" = "terraform" })

  # The policy is a blob the function re-reads every tick (BlobPolicyReader); no policy, no setting.
  snapshot_settings = var.snapshot.policy_json == null ? {} : {
    DBRE_BACKUP_POLICY = "${azurerm_storage_account.host.primary_blob_endpoint}${azurerm_storage_container.config.name}/backup-policy.json"
  }

  # What the code reads (functions/azure/README.md). The identity-based connections name the
  # user-assigned identity explicitly (credential + clientId), and AZURE_CLIENT_ID makes
  # DefaultAzureCredential (ARM, Key Vault, Blob, Entra database tokens) pick the same identity.
  # A drill with a request file drills that one database; without one (mode "fleet") the drill
  # function drills the databases of the backup policy by its drill: rule.
  drill_settings = var.drill.mode == "request" ? { DBRE_DRILL_REQUEST_FILE = local.drill_request_file } : {}

  app_settings = merge(var.extra_app_settings, local.snapshot_settings, local.drill_settings, {
    AZURE_CLIENT_ID                        = azurerm_user_assigned_identity.functions.client_id
    AZURE_SUBSCRIPTION_ID                  = data.azurerm_client_config.current.subscription_id
    AzureWebJobsStorage__accountName       = azurerm_storage_account.host.name
    AzureWebJobsStorage__credential        = "managedidentity"
    AzureWebJobsStorage__clientId          = azurerm_user_assigned_identity.functions.client_id
    DBRE_EVENTHUB__fullyQualifiedNamespace = "${azurerm_eventhub_namespace.ingest.name}.servicebus.windows.net"
    DBRE_EVENTHUB__credential              = "managedidentity"
    DBRE_EVENTHUB__clientId                = azurerm_user_assigned_identity.functions.client_id
    DBRE_EVENTHUB_NAME                     = azurerm_eventhub.ingest.name
    DBRE_EVENTHUB_CONSUMER_GROUP           = azurerm_eventhub_consumer_group.ingest.name
    DBRE_DB_HOST                           = var.database.host
    DBRE_DB_PORT                           = tostring(var.database.port)
    DBRE_DB_NAME                           = var.database.name
    DBRE_DB_USER                           = azurerm_user_assigned_identity.functions.name
    DBRE_DB_AUTH                           = "iam"
    DBRE_DB_SSLMODE                        = "verify-full"
    DBRE_AZURE_RESOURCE_GROUP              = local.fleet_resource_group_name
    DBRE_SNAPSHOT_SCHEDULE                 = var.snapshot.schedule
    DBRE_BACKUP_DRY_RUN                    = tostring(var.snapshot.dry_run)
    DBRE_DRILL_SCHEDULE                    = var.drill.schedule
    DBRE_MAINTENANCE_SCHEDULE              = var.maintenance.schedule
    DBRE_SLO_SCHEDULE                      = var.slo_report.schedule
    DBRE_SLO_SPEC                          = local.slo_spec_dir
    DBRE_SLO_OUT                           = "${azurerm_storage_account.reports.primary_blob_endpoint}${azurerm_storage_container.reports.name}/${var.slo_report.prefix}"
    DBRE_SLO_NOTIFY                        = azurerm_eventgrid_topic.slo_alerts.endpoint
    DBRE_SLO_FORMATS                       = join(",", var.slo_report.formats)
    DBRE_KEY_VAULT_URL                     = trimsuffix(azurerm_key_vault.secrets.vault_uri, "/")
    DBRE_KEY_VAULT_SECRET_EXPIRY_DAYS      = tostring(var.rotation.secret_expiry_days)
    DBRE_ROTATION_STRATEGY                 = var.rotation.strategy
    # A timer whose schedule setting is missing stops the host from indexing it, so every schedule
    # is always set and a switched-off timer is disabled by the host's own setting instead.
    "AzureWebJobs.${local.functions.snapshot}.Disabled"    = tostring(var.snapshot.policy_json == null)
    "AzureWebJobs.${local.functions.drill}.Disabled"       = tostring(!var.drill.enabled)
    "AzureWebJobs.${local.functions.maintenance}.Disabled" = tostring(!var.maintenance.enabled)
    "AzureWebJobs.${local.functions.slo_report}.Disabled"  = tostring(!var.slo_report.enabled)
  })
}

# One identity for every function: it exists before the app, so its role assignments and its
# PostgreSQL role are in place when the code first runs, and it survives re-creating the app.
resource "azurerm_user_assigned_identity" "functions" {
  name                = "${local.app_name}-id"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = local.tags
}

# Host storage: checkpoints and leases of the Event Hubs trigger, timer locks, the deployment
# package (Flex Consumption), the backup policy and dead-lettered rotation events. (SLO reports
# have an account of their own, slo.tf: the identity owns this one's blobs for the host.)
resource "azurerm_storage_account" "host" {
  name                            = substr("${var.name_prefix}dbre${local.unique}", 0, 24)
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  allow_nested_items_to_be_public = false
  # Terraform writes the policy blob with the account key; the functions use their identity only.
  shared_access_key_enabled = true
  tags                      = local.tags
}

resource "azurerm_storage_container" "deployment" {
  name                  = "deployment"
  storage_account_id    = azurerm_storage_account.host.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "config" {
  name                  = "config"
  storage_account_id    = azurerm_storage_account.host.id
  container_access_type = "private"
}

# The Functions host needs blob data ownership of its own storage (leases, checkpoints, the package).
resource "azurerm_role_assignment" "host_storage" {
  scope                = azurerm_storage_account.host.id
  role_definition_name = "Storage Blob Data Owner"
  principal_id         = azurerm_user_assigned_identity.functions.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_log_analytics_workspace" "this" {
  name                = "${local.app_name}-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}

resource "azurerm_application_insights" "this" {
  name                = "${local.app_name}-ai"
  resource_group_name = var.resource_group_name
  location            = var.location
  application_type    = "java"
  workspace_id        = azurerm_log_analytics_workspace.this.id
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}

resource "azurerm_service_plan" "this" {
  name                = "${local.app_name}-plan"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = local.tags
}

resource "azurerm_function_app_flex_consumption" "this" {
  name                = local.app_name
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id

  runtime_name    = "java"
  runtime_version = "21"

  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${azurerm_storage_account.host.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = azurerm_user_assigned_identity.functions.id

  instance_memory_in_mb     = var.function_app.instance_memory_mb
  maximum_instance_count    = var.function_app.maximum_instance_count
  virtual_network_subnet_id = var.function_app.subnet_id
  https_only                = true
  zip_deploy_file           = var.function_package

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.functions.id]
  }

  site_config {
    application_insights_connection_string = azurerm_application_insights.this.connection_string
    minimum_tls_version                    = "1.2"
  }

  app_settings = local.app_settings
  tags         = local.tags

  lifecycle {
    precondition {
      condition     = !var.drill.enabled || var.drill.mode != "fleet" || var.snapshot.policy_json != null
      error_message = "drill.mode fleet drills the databases of the backup policy: set snapshot.policy_json."
    }
  }

  # The host reads its storage, the hub and the vault with the identity from the first start.
  depends_on = [
    azurerm_role_assignment.host_storage,
    azurerm_role_assignment.eventhub_receiver,
    azurerm_role_assignment.key_vault_secrets,
    azurerm_role_assignment.policy_reader,
    azurerm_role_assignment.slo_reports_writer,
    azurerm_role_assignment.slo_alerts_sender,
  ]
}
