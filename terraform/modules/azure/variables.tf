variable "name_prefix" {
  description = "Short prefix of every resource name (lowercase letters and digits, 3-10 characters, starting with a letter). Storage and Key Vault names are global: the prefix plus a hash of the resource group keeps them unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,9}$", var.name_prefix))
    error_message = "name_prefix must be 3-10 lowercase letters or digits, starting with a letter (it becomes part of storage account and Key Vault names)."
  }
}

variable "resource_group_name" {
  description = "Existing resource group that receives the function app, Event Hubs, Key Vault, storage, monitoring and the restore workflow."
  type        = string

  validation {
    condition     = length(var.resource_group_name) > 0 && length(var.resource_group_name) <= 90
    error_message = "resource_group_name must be 1-90 characters."
  }
}

variable "location" {
  description = "Azure region of every resource, e.g. \"westeurope\". Flex Consumption must be offered there."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+$", var.location))
    error_message = "location must be a region name such as \"westeurope\" (lowercase, no spaces)."
  }
}

variable "function_package" {
  description = "Path of the zip that scripts/deploy-azure builds from functions/azure (target/azure-functions/dbre-functions plus dbre/drill-request.json). Its file name carries a content hash, so a new build is a new path and Terraform deploys it again."
  type        = string

  validation {
    condition     = endswith(var.function_package, ".zip")
    error_message = "function_package must be the path of a .zip file (built by scripts/deploy-azure)."
  }
}

variable "database" {
  description = <<-EOT
    The Flexible Server database that holds dbre's schema (ingest tables, snapshot_runs, restore_runs).
    host: the server's FQDN; server_name / resource_group_name: the server itself (for the Entra
    administrator); name: the database (default "postgres"); port: default 5432. entra_admin, if set,
    becomes the server's Microsoft Entra administrator (a DBA group): the server must already have
    Entra authentication enabled (authentication { active_directory_auth_enabled = true }), and that
    administrator then creates the function's role with the SQL in the output database_role_sql.
    schema_owner: the role that ran the migrations and owns the tables (required): database_role_sql
    grants on its tables, sets its default privileges (the SLO report reads tables added later) and
    makes the maintenance group its member, since only a table's owner may drop the metric store's
    partitions.
  EOT
  type = object({
    host                = string
    server_name         = string
    resource_group_name = string
    name                = optional(string, "postgres")
    port                = optional(number, 5432)
    schema_owner        = string
    entra_admin = optional(object({
      object_id      = string
      principal_name = string
      principal_type = optional(string, "Group")
    }))
  })

  validation {
    condition     = endswith(var.database.host, ".postgres.database.azure.com")
    error_message = "database.host must be a Flexible Server FQDN (<server>.postgres.database.azure.com)."
  }
  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_@.-]{0,62}$", var.database.schema_owner))
    error_message = "database.schema_owner must be a PostgreSQL role name (letters, digits, _, @, ., -; at most 63)."
  }
  validation {
    condition     = var.database.port >= 1 && var.database.port <= 65535
    error_message = "database.port must be 1-65535."
  }
  validation {
    condition     = var.database.entra_admin == null || contains(["User", "Group", "ServicePrincipal"], try(var.database.entra_admin.principal_type, ""))
    error_message = "database.entra_admin.principal_type must be User, Group or ServicePrincipal."
  }
}

variable "fleet_resource_group_name" {
  description = "Resource group of the Flexible Servers that are snapshotted and restored (DBRE_AZURE_RESOURCE_GROUP). The function's identity gets the snapshot/restore role there only. Default: database.resource_group_name."
  type        = string
  default     = null

  validation {
    condition     = var.fleet_resource_group_name == null || try(length(var.fleet_resource_group_name) > 0, false)
    error_message = "fleet_resource_group_name must be null or a resource group name."
  }
}

variable "event_hubs" {
  description = "Event Hubs namespace and hub that feed ingest-eventhubs. Standard is the smallest SKU with consumer groups of one's own; partition_count bounds the parallelism of ingest."
  type = object({
    sku                    = optional(string, "Standard")
    capacity               = optional(number, 1)
    partition_count        = optional(number, 4)
    message_retention_days = optional(number, 1)
  })
  default = {}

  validation {
    condition     = contains(["Standard", "Premium"], var.event_hubs.sku)
    error_message = "event_hubs.sku must be Standard or Premium (Basic has no consumer groups besides $Default)."
  }
  validation {
    condition     = var.event_hubs.partition_count >= 1 && var.event_hubs.partition_count <= 32
    error_message = "event_hubs.partition_count must be 1-32."
  }
  validation {
    condition     = var.event_hubs.message_retention_days >= 1 && var.event_hubs.message_retention_days <= 7
    error_message = "event_hubs.message_retention_days must be 1-7 on Standard."
  }
  validation {
    condition     = var.event_hubs.capacity >= 1 && var.event_hubs.capacity <= 40
    error_message = "event_hubs.capacity (throughput units) must be 1-40."
  }
}

variable "function_app" {
  description = "Flex Consumption sizing: instance memory (2048 or 4096 MB), the most instances, and an optional subnet for VNet integration (needed when the servers only have private access)."
  type = object({
    instance_memory_mb     = optional(number, 2048)
    maximum_instance_count = optional(number, 40)
    subnet_id              = optional(string)
  })
  default = {}

  validation {
    condition     = contains([2048, 4096], var.function_app.instance_memory_mb)
    error_message = "function_app.instance_memory_mb must be 2048 or 4096."
  }
  validation {
    condition     = var.function_app.maximum_instance_count >= 40 && var.function_app.maximum_instance_count <= 1000
    error_message = "function_app.maximum_instance_count must be 40-1000 (Flex Consumption's range)."
  }
}

variable "snapshot" {
  description = "snapshot-timer: an NCRONTAB schedule (six fields, seconds first) and the backup policy JSON (docs/backup-policy.md), stored as a blob the function re-reads every tick. policy_json = null disables the timer."
  type = object({
    schedule    = optional(string, "0 0 * * * *")
    policy_json = optional(string)
    dry_run     = optional(bool, false)
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.snapshot.schedule))) == 6
    error_message = "snapshot.schedule must be an NCRONTAB expression with six fields (second minute hour day month weekday), e.g. \"0 0 * * * *\"."
  }
  validation {
    condition     = var.snapshot.policy_json == null || can(jsondecode(var.snapshot.policy_json))
    error_message = "snapshot.policy_json must be valid JSON (see docs/backup-policy.md)."
  }
}

variable "drill" {
  description = "restore-drill-timer: when enabled, drills advance one step per tick. mode \"request\": the day's drill of one database from the package's dbre/drill-request.json (scripts/deploy-azure puts it there, DBRE_DRILL_REQUEST_FILE). mode \"fleet\": no request file, so the function drills the databases of the backup policy (snapshot.policy_json) by its drill: rule (point-in-time restores: Flexible Server restores no snapshot into a new server)."
  type = object({
    enabled  = optional(bool, false)
    mode     = optional(string, "request")
    schedule = optional(string, "0 */5 * * * *")
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.drill.schedule))) == 6
    error_message = "drill.schedule must be an NCRONTAB expression with six fields, e.g. \"0 */5 * * * *\"."
  }
  validation {
    condition     = contains(["request", "fleet"], var.drill.mode)
    error_message = "drill.mode must be request (one database, dbre/drill-request.json) or fleet (the backup policy's databases)."
  }
}

variable "maintenance" {
  description = "maintenance: the metric store's maintenance step (roll-ups, partitions ahead, retention) on an NCRONTAB schedule (six fields, seconds first), every 5 minutes by default. Leave it enabled wherever ingest runs: without it partitions are not created ahead."
  type = object({
    enabled  = optional(bool, true)
    schedule = optional(string, "0 */5 * * * *")
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.maintenance.schedule))) == 6
    error_message = "maintenance.schedule must be an NCRONTAB expression with six fields, e.g. \"0 */5 * * * *\"."
  }
}

variable "slo_report" {
  description = "slo-report: the SLO report on an NCRONTAB schedule (hourly by default). Its spec set is the package's dbre/slo (scripts/deploy-azure copies the tf dir's slo/ folder, or docs/examples/slo); reports go to <report account>/reports/<prefix> in the formats listed and are deleted after report_retention_days; alert changes go to the module's Event Grid topic."
  type = object({
    enabled               = optional(bool, true)
    schedule              = optional(string, "0 0 * * * *")
    prefix                = optional(string, "slo")
    formats               = optional(list(string), ["json", "md", "html"])
    report_retention_days = optional(number, 400)
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.slo_report.schedule))) == 6
    error_message = "slo_report.schedule must be an NCRONTAB expression with six fields, e.g. \"0 0 * * * *\"."
  }
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", var.slo_report.prefix))
    error_message = "slo_report.prefix must be lowercase letters, digits, _ and - in /-separated parts, without a leading or trailing /."
  }
  validation {
    condition     = length(var.slo_report.formats) > 0 && alltrue([for f in var.slo_report.formats : contains(["json", "md", "html"], f)])
    error_message = "slo_report.formats must list json, md and/or html."
  }
  validation {
    condition     = var.slo_report.report_retention_days >= 1 && var.slo_report.report_retention_days <= 3650
    error_message = "slo_report.report_retention_days must be 1-3650."
  }
}

variable "restore_workflow" {
  description = "The restore loop (Logic App): seconds between advance calls, the most advance calls, and the run's deadline (ISO-8601 duration)."
  type = object({
    poll_seconds = optional(number, 60)
    max_steps    = optional(number, 240)
    timeout      = optional(string, "PT6H")
  })
  default = {}

  validation {
    condition     = var.restore_workflow.poll_seconds >= 10 && var.restore_workflow.poll_seconds <= 3600
    error_message = "restore_workflow.poll_seconds must be 10-3600."
  }
  validation {
    condition     = var.restore_workflow.max_steps >= 1 && var.restore_workflow.max_steps <= 5000
    error_message = "restore_workflow.max_steps must be 1-5000 (Logic Apps' Until limit)."
  }
  validation {
    condition     = can(regex("^PT[0-9]+[HM]$", var.restore_workflow.timeout))
    error_message = "restore_workflow.timeout must be an ISO-8601 duration in hours or minutes, e.g. PT6H."
  }
}

variable "rotation" {
  description = "rotate-keyvault: the strategy (single or alternating, docs/rotation.md) and the expiry of each new version in days (Key Vault sends SecretNearExpiry 30 days before it). The Key Vault is created here and holds only dbre's database secrets."
  type = object({
    strategy           = optional(string, "single")
    secret_expiry_days = optional(number, 90)
    purge_protection   = optional(bool, true)
    soft_delete_days   = optional(number, 90)
    max_delivery_tries = optional(number, 10)
    event_ttl_minutes  = optional(number, 1440)
  })
  default = {}

  validation {
    condition     = contains(["single", "alternating"], var.rotation.strategy)
    error_message = "rotation.strategy must be single or alternating."
  }
  validation {
    condition     = var.rotation.secret_expiry_days >= 31 && var.rotation.secret_expiry_days <= 3650
    error_message = "rotation.secret_expiry_days must be 31-3650: the near-expiry event comes 30 days before expiry, so a shorter expiry would rotate at once."
  }
  validation {
    condition     = var.rotation.soft_delete_days >= 7 && var.rotation.soft_delete_days <= 90
    error_message = "rotation.soft_delete_days must be 7-90."
  }
  validation {
    condition     = var.rotation.max_delivery_tries >= 1 && var.rotation.max_delivery_tries <= 30
    error_message = "rotation.max_delivery_tries must be 1-30 (Event Grid's range)."
  }
  validation {
    condition     = var.rotation.event_ttl_minutes >= 1 && var.rotation.event_ttl_minutes <= 1440
    error_message = "rotation.event_ttl_minutes must be 1-1440 (Event Grid's range)."
  }
}

variable "alerts" {
  description = "Where alerts go (e-mail addresses of one action group) and their thresholds: the window with incoming but no outgoing Event Hubs messages (ingest stalled), the backup age in hours that breaches the RPO, and the hours without a verified drill (when drills are on)."
  type = object({
    emails              = list(string)
    ingest_stall_window = optional(string, "PT15M")
    rpo_hours           = optional(number, 25)
    drill_missing_hours = optional(number, 26)
  })

  validation {
    condition     = length(var.alerts.emails) > 0 && alltrue([for e in var.alerts.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alerts.emails must list at least one e-mail address."
  }
  validation {
    condition     = contains(["PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H"], var.alerts.ingest_stall_window)
    error_message = "alerts.ingest_stall_window must be one of PT5M, PT15M, PT30M, PT1H, PT6H, PT12H (metric alert windows)."
  }
  validation {
    condition     = var.alerts.rpo_hours >= 1 && var.alerts.drill_missing_hours >= 1 && var.alerts.drill_missing_hours <= 48
    error_message = "alerts.rpo_hours must be at least 1 and alerts.drill_missing_hours 1-48 (a log alert looks back at most two days)."
  }
}

variable "log_retention_days" {
  description = "Days the Log Analytics workspace (behind Application Insights) keeps logs and metrics lines."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days must be 30-730."
  }
}

variable "extra_app_settings" {
  description = "More DBRE_* app settings (parser and HTTP limits, DBRE_RESTORE_DB_*, ...), see functions/azure/README.md. Settings this module sets itself cannot be overridden here."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_app_settings) : startswith(k, "DBRE_")])
    error_message = "extra_app_settings keys must start with DBRE_ (the functions read no other names)."
  }
}

variable "tags" {
  description = "Tags on every resource that takes tags."
  type        = map(string)
  default     = {}
}
