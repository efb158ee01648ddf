# Alert rules equivalent to the AWS alarms (infra-cdk), all to one action group:
#   AWS                                   here
#   Kinesis iterator age                  ingest_stalled: the hub receives messages but none are read
#   on-failure destination depth          ingest_records_failed: records held back by a database fault
#   Lambda errors                         function_errors: failed invocations of any function
#   RotationFailures                      rotation_failures, rotation_dead_letters
#   failed drills                         restore_failures (drills included), drill_missing
#   DrillFailures, DrillsOverRto          drill_failures, drills_over_rto
#   snapshot failures / RPO breach        snapshot_failures, rpo_breach, backups_over_rpo (BackupsOverRpo)
#   Step Functions failed executions      restore_workflow_failed
#   SloAlertsFiring                       slo_alerts_firing
#   MaintenanceFailures                   maintenance_failures
# The functions' metrics are JSON lines (LogMetricsPublisher) that Application Insights keeps in
# `traces`; the log alerts read them with parse_json.

resource "azurerm_monitor_action_group" "dbre" {
  name                = "${local.app_name}-alerts"
  resource_group_name = var.resource_group_name
  short_name          = "dbre"
  tags                = local.tags

  dynamic "email_receiver" {
    for_each = var.alerts.emails
    content {
      name                    = "email-${email_receiver.key}"
      email_address           = email_receiver.value
      use_common_alert_schema = true
    }
  }
}

locals {
  metrics_lines = "traces | where message startswith '{' and message has '\"metrics\"' | extend j = parse_json(message) | where tostring(j.message) == 'metrics'"

  log_alerts = merge(
    {
      ingest_records_failed = {
        description = "Ingest could not store records (a database fault): the Event Hubs partition is held back and retried."
        severity    = 1
        query       = "${local.metrics_lines} | where toint(j.metrics.IngestRecordsFailed) > 0"
        window      = "PT15M"
        range       = null
      }
      function_errors = {
        description = "A dbre function invocation failed (any function; see operation_Name)."
        severity    = 2
        query       = "requests | where success == false"
        window      = "PT5M"
        range       = null
      }
      rotation_failures = {
        description = "A secret rotation step failed (RotationFailures); Event Grid retries the event."
        severity    = 1
        query       = "${local.metrics_lines} | where toint(j.metrics.RotationFailures) > 0"
        window      = "PT15M"
        range       = null
      }
      restore_failures = {
        description = "A restore or restore drill ended FAILED (RestoreFailures)."
        severity    = 1
        query       = "${local.metrics_lines} | where toint(j.metrics.RestoreFailures) > 0"
        window      = "PT15M"
        range       = null
      }
      snapshot_failures = {
        description = "A snapshot, copy or prune failed (SnapshotFailures)."
        severity    = 2
        query       = "${local.metrics_lines} | where toint(j.metrics.SnapshotFailures) > 0"
        window      = "PT1H"
        range       = null
      }
      rpo_breach = {
        description = "The newest completed backup of some database is older than the RPO (SnapshotOldestNewestAge)."
        severity    = 1
        query       = "${local.metrics_lines} | where todouble(j.metrics.SnapshotOldestNewestAge) > ${var.alerts.rpo_hours * 3600}"
        window      = "PT1H"
        range       = null
      }
      backups_over_rpo = {
        description = "Some database's newest backup is older than its backup policy's RPO objective (BackupsOverRpo, measured at every snapshot tick)."
        severity    = 1
        query       = "${local.metrics_lines} | where toint(j.metrics.BackupsOverRpo) > 0"
        window      = "PT1H"
        range       = null
      }
      maintenance_failures = {
        description = "A metric store maintenance step (roll-up, partitions ahead, retention) failed (MaintenanceFailures)."
        severity    = 2
        query       = "${local.metrics_lines} | where toint(j.metrics.MaintenanceFailures) > 0"
        window      = "PT15M"
        range       = null
      }
      slo_alerts_firing = {
        description = "An SLO burn-rate alert is firing (SloAlertsFiring, by slo and severity); the report in the reports container names the SLO and its budget."
        severity    = 1
        query       = "${local.metrics_lines} | where todouble(j.metrics.SloAlertsFiring) > 0"
        window      = "PT1H"
        range       = null
      }
    },
    var.drill.enabled ? {
      drill_failures = {
        description = "A restore drill ended FAILED (DrillFailures): a restore, verification or clean-up step."
        severity    = 1
        query       = "${local.metrics_lines} | where toint(j.metrics.DrillFailures) > 0"
        window      = "PT15M"
        range       = null
      }
      drills_over_rto = {
        description = "A restore drill took longer than its policy's RTO objective (DrillsOverRto)."
        severity    = 2
        query       = "${local.metrics_lines} | where toint(j.metrics.DrillsOverRto) > 0"
        window      = "PT15M"
        range       = null
      }
    } : {},
    var.drill.enabled ? {
      drill_missing = {
        description = "No restore drill was verified and cleaned up in the last ${var.alerts.drill_missing_hours} hours (DrillsCompleted)."
        severity    = 1
        # Counted as a row that is 0 when no drill completed, so "fewer than 1" fires on silence too.
        query  = "${local.metrics_lines} | where timestamp > ago(${var.alerts.drill_missing_hours}h) | summarize drills = sum(toint(j.metrics.DrillsCompleted)) | where drills < 1"
        window = "PT1H"
        range  = "P2D"
      }
    } : {}
  )
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "dbre" {
  for_each = local.log_alerts

  name                      = "${local.app_name}-${replace(each.key, "_", "-")}"
  resource_group_name       = var.resource_group_name
  location                  = var.location
  description               = each.value.description
  severity                  = each.value.severity
  scopes                    = [azurerm_application_insights.this.id]
  evaluation_frequency      = each.value.window == "PT5M" ? "PT5M" : "PT15M"
  window_duration           = each.value.window
  query_time_range_override = each.value.range
  auto_mitigation_enabled   = true
  tags                      = local.tags

  criteria {
    query                   = each.value.query
    time_aggregation_method = "Count"
    operator                = "GreaterThan"
    threshold               = 0

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  action {
    action_groups = [azurerm_monitor_action_group.dbre.id]
  }
}

resource "azurerm_monitor_metric_alert" "ingest_stalled" {
  name                = "${local.app_name}-ingest-stalled"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_eventhub_namespace.ingest.id]
  description         = "Messages arrive on the metrics hub but none are read: ingest is stalled (the equivalent of Kinesis iterator age). OutgoingMessages counts every consumer group, so another reader can hide a stall."
  severity            = 1
  frequency           = "PT5M"
  window_size         = var.alerts.ingest_stall_window
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.EventHub/namespaces"
    metric_name      = "IncomingMessages"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "EntityName"
      operator = "Include"
      values   = [azurerm_eventhub.ingest.name]
    }
  }

  criteria {
    metric_namespace = "Microsoft.EventHub/namespaces"
    metric_name      = "OutgoingMessages"
    aggregation      = "Total"
    operator         = "LessThanOrEqual"
    threshold        = 0

    dimension {
      name     = "EntityName"
      operator = "Include"
      values   = [azurerm_eventhub.ingest.name]
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.dbre.id
  }
}

resource "azurerm_monitor_metric_alert" "rotation_dead_letters" {
  name                = "${local.app_name}-rotation-dead-letters"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_eventgrid_system_topic.key_vault.id]
  description         = "A near-expiry event was dead-lettered after its last delivery attempt: that secret was not rotated."
  severity            = 1
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.EventGrid/systemTopics"
    metric_name      = "DeadLetteredCount"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0
  }

  action {
    action_group_id = azurerm_monitor_action_group.dbre.id
  }
}

resource "azurerm_monitor_metric_alert" "restore_workflow_failed" {
  name                = "${local.app_name}-restore-workflow-failed"
  resource_group_name = var.resource_group_name
  scopes              = [azurerm_logic_app_workflow.restore.id]
  description         = "A restore workflow run failed: refused request, function error after retries, or the step limit / deadline passed."
  severity            = 1
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.Logic/workflows"
    metric_name      = "RunsFailed"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0
  }

  action {
    action_group_id = azurerm_monitor_action_group.dbre.id
  }
}
