# rotate-keyvault: Key Vault's SecretNearExpiry event (Event Grid) runs the four rotation steps.

resource "azurerm_key_vault" "secrets" {
  name                       = substr("${var.name_prefix}-dbre-${local.unique}", 0, 24)
  resource_group_name        = var.resource_group_name
  location                   = var.location
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  purge_protection_enabled   = var.rotation.purge_protection
  soft_delete_retention_days = var.rotation.soft_delete_days
  tags                       = local.tags
}

# The vault holds only dbre's database secrets, so the vault is the narrowest scope that also covers
# secrets created after this apply. Secrets Officer: get, list versions, set, update tags
# (KeyVaultSecretStore); it also reads them for DBRE_DB_AUTH=secret and DBRE_RESTORE_DB_AUTH=secret.
resource "azurerm_role_assignment" "key_vault_secrets" {
  scope                = azurerm_key_vault.secrets.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = azurerm_user_assigned_identity.functions.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_eventgrid_system_topic" "key_vault" {
  name                = "${local.app_name}-kv-events"
  resource_group_name = var.resource_group_name
  location            = var.location
  topic_type          = "Microsoft.KeyVault.vaults"
  source_resource_id  = azurerm_key_vault.secrets.id
  tags                = local.tags

  identity {
    type = "SystemAssigned"
  }
}

# Events that exhausted their deliveries land here instead of vanishing (alerted in alerts.tf).
resource "azurerm_storage_container" "rotation_dead_letters" {
  name                  = "rotation-dead-letters"
  storage_account_id    = azurerm_storage_account.host.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "dead_letter_writer" {
  scope                = azurerm_storage_container.rotation_dead_letters.resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_eventgrid_system_topic.key_vault.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_eventgrid_system_topic_event_subscription" "near_expiry" {
  name                 = "dbre-secret-near-expiry"
  system_topic         = azurerm_eventgrid_system_topic.key_vault.name
  resource_group_name  = var.resource_group_name
  included_event_types = ["Microsoft.KeyVault.SecretNearExpiry"]

  azure_function_endpoint {
    function_id          = "${azurerm_function_app_flex_consumption.this.id}/functions/${local.functions.rotation}"
    max_events_per_batch = 1
  }

  retry_policy {
    max_delivery_attempts = var.rotation.max_delivery_tries
    event_time_to_live    = var.rotation.event_ttl_minutes
  }

  dead_letter_identity {
    type = "SystemAssigned"
  }

  storage_blob_dead_letter_destination {
    storage_account_id          = azurerm_storage_account.host.id
    storage_blob_container_name = azurerm_storage_container.rotation_dead_letters.name
  }

  depends_on = [azurerm_role_assignment.dead_letter_writer]
}
