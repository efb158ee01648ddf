# snapshot-timer, restore-submit, restore-advance, restore-drill-timer (SnapshotFunction, RestoreSubmitFunction,
# RestoreAdvanceFunction, DrillFunction).

resource "azurerm_storage_blob" "backup_policy" {
  count                  = var.snapshot.policy_json == null ? 0 : 1
  name                   = "backup-policy.json"
  storage_account_name   = azurerm_storage_account.host.name
  storage_container_name = azurerm_storage_container.config.name
  type                   = "Block"
  content_type           = "application/json"
  source_content         = var.snapshot.policy_json
}

# BlobPolicyReader reads the policy as the app's identity: read access to the config container only.
resource "azurerm_role_assignment" "policy_reader" {
  scope                = azurerm_storage_container.config.resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.functions.principal_id
  principal_type       = "ServicePrincipal"
}

# What FlexibleServerBackupProvider calls through ARM, and nothing else: list/get servers,
# point-in-time restore (a server PUT), delete (drills; the code refuses servers without its tags),
# on-demand backups (PUT/GET/DELETE .../backups).
resource "azurerm_role_definition" "flexible_server_backup" {
  name        = "${local.app_name}-flexible-server-backup"
  scope       = data.azurerm_resource_group.fleet.id
  description = "dbre: snapshot, point-in-time restore and drill clean-up of PostgreSQL Flexible Servers in this resource group."

  permissions {
    actions = [
      "Microsoft.DBforPostgreSQL/flexibleServers/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/write",
      "Microsoft.DBforPostgreSQL/flexibleServers/delete",
      "Microsoft.DBforPostgreSQL/flexibleServers/backups/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/backups/write",
      "Microsoft.DBforPostgreSQL/flexibleServers/backups/delete",
    ]
    not_actions = []
  }

  assignable_scopes = [data.azurerm_resource_group.fleet.id]
}

resource "azurerm_role_assignment" "flexible_server_backup" {
  scope              = data.azurerm_resource_group.fleet.id
  role_definition_id = azurerm_role_definition.flexible_server_backup.role_definition_resource_id
  principal_id       = azurerm_user_assigned_identity.functions.principal_id
  principal_type     = "ServicePrincipal"
}

# The restore loop: a Consumption Logic App. POST a restore request (docs/restore-request.md) to its
# trigger URL; it calls restore-submit once, then waits and calls restore-advance until the run is
# done, the step limit is reached or the deadline passes. Every call is a "Function" action, so the
# Logic App fetches the function key itself and no key is written into the definition. Why a Logic
# App (and not Durable Functions or a timer): terraform/README.md, "Restore loop".
resource "azurerm_logic_app_workflow" "restore" {
  name                = "${local.app_name}-restore"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = local.tags
}

resource "azurerm_logic_app_trigger_http_request" "restore" {
  name         = "restore-request"
  logic_app_id = azurerm_logic_app_workflow.restore.id
  method       = "POST"
  schema = jsonencode({
    type     = "object"
    required = ["source", "newName"]
    properties = {
      source  = { type = "string" }
      newName = { type = "string" }
    }
  })
}

locals {
  function_id = azurerm_function_app_flex_consumption.this.id
  # Logic Apps retries 408, 429 and 5xx (the functions' 503 on a database fault); a 4xx refusal
  # fails the run at once, which the workflow alert reports.
  restore_retry = { type = "exponential", count = 4, interval = "PT15S" }
}

resource "azurerm_logic_app_action_custom" "submit" {
  name         = "submit"
  logic_app_id = azurerm_logic_app_workflow.restore.id
  body = jsonencode({
    type = "Function"
    inputs = {
      function    = { id = "${local.function_id}/functions/${local.functions.restore_submit}" }
      method      = "POST"
      body        = "@triggerBody()"
      retryPolicy = local.restore_retry
    }
    runAfter = {}
  })
}

resource "azurerm_logic_app_action_custom" "advance_until_done" {
  name         = "advance_until_done"
  logic_app_id = azurerm_logic_app_workflow.restore.id
  body = jsonencode({
    type       = "Until"
    expression = "@equals(body('advance')?['done'], true)"
    limit = {
      count   = var.restore_workflow.max_steps
      timeout = var.restore_workflow.timeout
    }
    actions = {
      wait = {
        type     = "Wait"
        inputs   = { interval = { count = var.restore_workflow.poll_seconds, unit = "Second" } }
        runAfter = {}
      }
      advance = {
        type = "Function"
        inputs = {
          function    = { id = "${local.function_id}/functions/${local.functions.restore_advance}" }
          method      = "POST"
          body        = { runId = "@{body('submit')?['runId']}" }
          retryPolicy = local.restore_retry
        }
        runAfter = { wait = ["Succeeded"] }
      }
    }
    runAfter = { submit = ["Succeeded"] }
  })

  depends_on = [azurerm_logic_app_action_custom.submit]
}

resource "azurerm_monitor_diagnostic_setting" "restore_workflow" {
  name                       = "dbre-restore-runs"
  target_resource_id         = azurerm_logic_app_workflow.restore.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category = "WorkflowRuntime"
  }
  enabled_metric {
    category = "AllMetrics"
  }
}
