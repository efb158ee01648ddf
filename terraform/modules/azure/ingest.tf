# ingest-eventhubs: Event Hubs trigger, identity-based connection DBRE_EVENTHUB (app settings in main.tf).
# ingest-http: POST /api/ingest with a function key (authLevel FUNCTION); nothing to create here.

resource "azurerm_eventhub_namespace" "ingest" {
  name                          = "${local.app_name}-ehns"
  resource_group_name           = var.resource_group_name
  location                      = var.location
  sku                           = var.event_hubs.sku
  capacity                      = var.event_hubs.capacity
  minimum_tls_version           = "1.2"
  local_authentication_enabled  = false
  public_network_access_enabled = true
  tags                          = local.tags
}

resource "azurerm_eventhub" "ingest" {
  name              = "metrics"
  namespace_id      = azurerm_eventhub_namespace.ingest.id
  partition_count   = var.event_hubs.partition_count
  message_retention = var.event_hubs.message_retention_days
}

# The function's own consumer group: its checkpoints never move another reader's position.
resource "azurerm_eventhub_consumer_group" "ingest" {
  name                = "dbre-ingest"
  namespace_name      = azurerm_eventhub_namespace.ingest.name
  eventhub_name       = azurerm_eventhub.ingest.name
  resource_group_name = var.resource_group_name
}

# Receiver on the hub, not the consumer group: the trigger needs the hub's Listen claim.
resource "azurerm_role_assignment" "eventhub_receiver" {
  scope                = azurerm_eventhub.ingest.id
  role_definition_name = "Azure Event Hubs Data Receiver"
  principal_id         = azurerm_user_assigned_identity.functions.principal_id
  principal_type       = "ServicePrincipal"
}
